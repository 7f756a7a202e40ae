/**
 * An ARIA tab list over one shared panel: click or arrow keys select (roving tabindex, as the
 * WAI-ARIA tabs pattern describes); `onSelect` gets the chosen tab's data-lang.
 * @param {HTMLElement} tablist @param {HTMLElement} panel @param {(lang: string) => void} onSelect
 */
export function wireTabs(tablist, panel, onSelect) {
  const tabs = () => Array.from(tablist.querySelectorAll('[role="tab"]'));
  const select = (tab, focus) => {
    for (const t of tabs()) {
      t.setAttribute('aria-selected', String(t === tab));
      t.tabIndex = t === tab ? 0 : -1;
    }
    panel.setAttribute('aria-labelledby', tab.id);
    if (focus) tab.focus();
    onSelect(tab.dataset.lang);
  };
  tablist.addEventListener('click', (event) => {
    const tab = event.target.closest('[role="tab"]');
    if (tab) select(tab, false);
  });
  tablist.addEventListener('keydown', (event) => {
    const all = tabs();
    const at = all.indexOf(document.activeElement);
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: all.length - 1 }[event.key];
    if (next === undefined || at === -1) return;
    event.preventDefault();
    select(all[(next + all.length) % all.length], true);
  });
}
