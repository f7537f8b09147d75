// Where keyboard focus goes when a control opens something to type into,
// or when a screen replaces the one that held focus.

/**
 * A Svelte action: focuses the element once it is on the page. Unlike the
 * `autofocus` attribute (which Svelte applies only while nothing else has
 * focus), this takes focus from the button that opened the element.
 */
export function takeFocus(node: HTMLElement, when: boolean = true): void {
  if (when) node.focus();
}

/**
 * After the main area changed screens: back at its top, and if focus was
 * lost with the old screen (it sat in a form that is gone), on the new
 * screen's heading, so Tab continues from there.
 */
export function settleScreen(main: HTMLElement): void {
  main.scrollTop = 0;
  const active = document.activeElement;
  if (active && active !== document.body && main.ownerDocument.contains(active)) return;
  const heading = main.querySelector<HTMLElement>("h1");
  if (!heading) return;
  heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
}

/**
 * Call while a dialog is being created (what has focus then opened it);
 * the returned function, run when the dialog goes away, puts focus back on
 * that control, so Esc or Cancel does not drop the keyboard user at the top
 * of the page. A control that went away meanwhile (Sign out, once done) is
 * left alone.
 */
export function focusReturnsTo(): () => void {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  // Later, not now: while the modal dialog is still open the rest of the page is inert.
  return () => setTimeout(() => opener?.isConnected && opener.focus(), 0);
}
