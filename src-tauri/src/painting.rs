//! How WebKitGTK paints the window on Linux. It paints through GL by
//! default; with no GPU render node the only GL is Mesa's software
//! emulation (llvmpipe), which costs about 40 MB more in the web process
//! than WebKit's own CPU painting and is no faster. So without a render
//! node the window paints on the CPU. A value the person set wins.

use std::path::Path;

/// WebKitGTK's switch (read by its web process, which inherits it).
pub const CPU_PAINTING_VAR: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Whether `names` (the entries of `/dev/dri`) hold a GPU render node.
pub fn has_render_node<I, S>(names: I) -> bool
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    names
        .into_iter()
        .any(|name| name.as_ref().starts_with("renderD"))
}

/// The value to set for [`CPU_PAINTING_VAR`], or `None` to leave WebKit's
/// default: only when the person has not chosen and there is no GPU.
pub fn cpu_painting_choice(already_set: bool, dri_dir: &Path) -> Option<&'static str> {
    if already_set {
        return None;
    }
    let names: Vec<String> = std::fs::read_dir(dri_dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    (!has_render_node(&names)).then_some("1")
}

/// Applies the choice. Call it first thing in `main`, before any thread
/// starts (the environment is process-wide).
pub fn choose_painting() {
    let already_set = std::env::var_os(CPU_PAINTING_VAR).is_some();
    if let Some(value) = cpu_painting_choice(already_set, Path::new("/dev/dri")) {
        std::env::set_var(CPU_PAINTING_VAR, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_render_node_keeps_gl_painting() {
        assert!(has_render_node(["card0", "renderD128"]));
        assert!(!has_render_node(["card0"]));
        assert!(!has_render_node(Vec::<String>::new()));
    }

    #[test]
    fn no_gpu_paints_on_the_cpu_unless_the_person_chose() {
        let empty = tempfile::tempdir().expect("temp dir");
        assert_eq!(cpu_painting_choice(false, empty.path()), Some("1"));
        assert_eq!(cpu_painting_choice(true, empty.path()), None);
        let missing = empty.path().join("no-dri");
        assert_eq!(cpu_painting_choice(false, &missing), Some("1"));
        let gpu = tempfile::tempdir().expect("temp dir");
        std::fs::write(gpu.path().join("renderD128"), b"").expect("node");
        assert_eq!(cpu_painting_choice(false, gpu.path()), None);
    }
}
