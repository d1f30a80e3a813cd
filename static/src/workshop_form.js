// Pre-fill the question and columns from the chosen theme, unless the facilitator already typed their own.
const data = JSON.parse(document.getElementById("theme-data")?.textContent || "{}");
const theme = document.getElementById("theme");
const prompt = document.getElementById("prompt");
const columns = document.getElementById("columns");

function isThemeText(value, key) {
  return !value.trim() || Object.values(data).some((t) => t[key] === value || t[key].join?.("\n") === value);
}

function fill() {
  const t = data[theme.value];
  if (!t) return;
  if (isThemeText(prompt.value, "prompt")) prompt.value = t.prompt;
  if (isThemeText(columns.value, "columns")) columns.value = t.columns.join("\n");
}

if (theme && prompt && columns) {
  theme.addEventListener("change", fill);
  fill();
}
