// One short message at a time, confirming an action or saying why it failed.
export const toast = $state({ text: "", tone: "info" as "info" | "error", seq: 0 });

export function notify(text: string, tone: "info" | "error" = "info"): void {
  toast.text = text;
  toast.tone = tone;
  toast.seq += 1;
  const mine = toast.seq;
  setTimeout(() => {
    if (toast.seq === mine) toast.text = "";
  }, 4000);
}
