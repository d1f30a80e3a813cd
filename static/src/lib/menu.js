// One discreet action menu per card or stack (a menu button), and the dialog used by
// "Déplacer vers…" and "Regrouper avec…": the keyboard and screen-reader path of every gesture.
import { h } from "./dom.js";
import { t } from "./i18n.js";

let openMenu = null;

function closeMenu(focusButton = false) {
  if (!openMenu) return;
  const { button, list } = openMenu;
  list.hidden = true;
  button.setAttribute("aria-expanded", "false");
  openMenu = null;
  if (focusButton && button.isConnected) button.focus();
}

document.addEventListener("pointerdown", (e) => {
  if (openMenu && !openMenu.root.contains(e.target)) closeMenu();
});

/** The box that clips `el`: its nearest scrolling ancestor, else the window. */
function clippingBox(el) {
  for (let node = el.parentElement; node; node = node.parentElement) {
    if (/(auto|scroll|hidden)/.test(getComputedStyle(node).overflowY)) return node.getBoundingClientRect();
  }
  return { top: 0, bottom: window.innerHeight };
}

/** A menu near the bottom of a column opens upwards rather than being cut off by the column's edge. */
function flipIfClipped(list, root) {
  const box = clippingBox(root);
  const bottom = Math.min(box.bottom, window.innerHeight);
  const menu = list.getBoundingClientRect();
  const anchor = root.getBoundingClientRect();
  if (menu.bottom > bottom && anchor.top - Math.max(box.top, 0) > bottom - anchor.bottom) list.classList.add("menu-up");
}

/**
 * A menu button and its list. `items`: [{label, run, danger?, key}] (null entries skipped).
 * `label`: the button's accessible name ("Actions pour l'idée …").
 */
export function actionMenu(items, label, key = "menu", testid = "card-menu") {
  const entries = items.filter(Boolean);
  if (!entries.length) return null;
  const list = h("ul", { class: "menu-list", role: "menu", hidden: true, "aria-label": label });
  const button = h("button", {
    type: "button", class: "menu-button", "data-key": key, "data-testid": testid,
    "aria-haspopup": "menu", "aria-expanded": "false", "aria-label": label, title: t("Actions"),
  }, h("span", { "aria-hidden": "true" }, "⋯"));
  const root = h("div", { class: "card-menu" }, button, list);
  const items_ = entries.map((item) => h("li", { role: "none" },
    h("button", { type: "button", role: "menuitem", tabindex: "-1", class: item.danger ? "danger-item" : null,
      "data-action": item.key, onclick: (e) => { e.stopPropagation(); closeMenu(!item.keepFocus); item.run(); } }, item.label)));
  list.append(...items_);
  const buttons = () => [...list.querySelectorAll('[role="menuitem"]')];
  const open = (focusLast = false) => {
    closeMenu();
    list.classList.remove("menu-up");
    list.hidden = false;
    flipIfClipped(list, root);
    button.setAttribute("aria-expanded", "true");
    openMenu = { root, button, list };
    const all = buttons();
    (focusLast ? all[all.length - 1] : all[0]).focus();
  };
  button.addEventListener("click", (e) => {
    e.stopPropagation();
    if (openMenu && openMenu.list === list) closeMenu(true);
    else open();
  });
  button.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      open(e.key === "ArrowUp");
    }
  });
  list.addEventListener("keydown", (e) => {
    const all = buttons();
    const i = all.indexOf(document.activeElement);
    const go = (j) => { e.preventDefault(); all[(j + all.length) % all.length].focus(); };
    if (e.key === "ArrowDown") go(i + 1);
    else if (e.key === "ArrowUp") go(i - 1);
    else if (e.key === "Home") go(0);
    else if (e.key === "End") go(all.length - 1);
    else if (e.key === "Escape") { e.preventDefault(); closeMenu(true); }
    else if (e.key === "Tab") closeMenu();
  });
  return root;
}

/**
 * A modal choice (native <dialog>: focus kept inside, Esc closes). `choices`: [{label, run, current?}];
 * `extra`: nodes after the list (e.g. a "new group" form). Focus returns to `returnTo` on close.
 */
export function choose({ title, hint, choices, extra = [], returnTo }) {
  const old = document.getElementById("choice-dialog");
  if (old) old.remove();
  const close = () => {
    dialog.close();
    dialog.remove();
    if (returnTo && returnTo.isConnected) returnTo.focus();
  };
  const list = h("ul", { class: "choice-list" }, choices.map((c) => h("li", {},
    h("button", { type: "button", class: c.current ? "secondary current" : "secondary", "aria-current": c.current ? "true" : null,
      disabled: c.current ? true : null, onclick: () => { close(); c.run(); } }, c.label))));
  const dialog = h("dialog", { id: "choice-dialog", class: "choice-dialog", "aria-labelledby": "choice-title", "data-testid": "choice-dialog" },
    h("h2", { id: "choice-title" }, title),
    hint ? h("p", { class: "hint" }, hint) : null,
    choices.length ? list : null,
    ...(typeof extra === "function" ? extra(close) : extra),
    h("p", { class: "dialog-buttons" }, h("button", { type: "button", class: "secondary", onclick: close }, t("Annuler"))));
  dialog.addEventListener("cancel", (e) => { e.preventDefault(); close(); });
  document.getElementById("board").append(dialog);
  dialog.showModal();
  const first = dialog.querySelector("button:not([disabled]), input");
  if (first) first.focus();
  return dialog;
}

/** Ask before doing something that cannot be taken back; resolves true when confirmed. */
export function confirmDialog({ title, text, confirm, danger = false }) {
  return new Promise((resolve) => {
    const old = document.getElementById("confirm-dialog");
    if (old) old.remove();
    const back = document.activeElement;
    const done = (answer) => {
      dialog.close();
      dialog.remove();
      if (back && back.isConnected) back.focus();
      resolve(answer);
    };
    const dialog = h("dialog", { id: "confirm-dialog", class: "choice-dialog", "aria-labelledby": "confirm-title",
      "aria-describedby": "confirm-text", "data-testid": "confirm-dialog" },
      h("h2", { id: "confirm-title" }, title),
      h("p", { id: "confirm-text" }, text),
      h("p", { class: "dialog-buttons" },
        h("button", { type: "button", class: "secondary", "data-testid": "confirm-cancel", onclick: () => done(false) }, t("Annuler")),
        h("button", { type: "button", class: danger ? "danger" : null, "data-testid": "confirm-ok", onclick: () => done(true) }, confirm)));
    dialog.addEventListener("cancel", (e) => { e.preventDefault(); done(false); });
    document.getElementById("board").append(dialog);
    dialog.showModal();
    dialog.querySelector('[data-testid="confirm-cancel"]').focus();
  });
}
