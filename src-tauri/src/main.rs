// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    #[cfg(target_os = "linux")]
    latchkey_desktop::painting::choose_painting();
    if let Err(err) = latchkey_desktop::run(tauri::Builder::default()) {
        eprintln!("latchkey-desktop: {err}");
        std::process::exit(1);
    }
}
