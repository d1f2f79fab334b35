// Renders terminal output with ANSI colour codes (SGR: ESC [ … m) as spans, and nothing else of
// the text as HTML: every character is added as text, so output cannot inject markup.
const COLOURS = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

/** Appends `text` to `parent` as text nodes and coloured spans. */
export function appendAnsi(parent, text) {
  let style = {};
  let at = 0;
  const codes = /\u001b\[([0-9;]*)m/g;
  for (let match; (match = codes.exec(text)) !== null;) {
    add(parent, text.slice(at, match.index), style);
    style = apply(style, match[1]);
    at = codes.lastIndex;
  }
  add(parent, text.slice(at), style);
}

function apply(style, params) {
  let next = { ...style };
  for (const code of (params === '' ? '0' : params).split(';').map(Number)) {
    if (code === 0) next = {};
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 22) { delete next.bold; delete next.dim; }
    else if (code >= 30 && code <= 37) next.colour = COLOURS[code - 30];
    else if (code >= 90 && code <= 97) next.colour = 'bright-' + COLOURS[code - 90];
    else if (code === 39) delete next.colour;
  }
  return next;
}

function add(parent, text, style) {
  if (text === '') return;
  const classes = [style.colour && 'ansi-' + style.colour, style.bold && 'ansi-bold', style.dim && 'ansi-dim'].filter(Boolean);
  if (classes.length === 0) {
    parent.appendChild(document.createTextNode(text));
  } else {
    const span = document.createElement('span');
    span.className = classes.join(' ');
    span.textContent = text;
    parent.appendChild(span);
  }
}
