// Turns each static chart into an interactive one when JavaScript runs. Without JavaScript the static SVG and
// the table stay: nothing here is needed to read the numbers.
const DARK_SCHEME = "slate";

function isDark() {
  return document.body.getAttribute("data-md-color-scheme") === DARK_SCHEME;
}

async function renderChart(figure) {
  const source = document.getElementById(figure.dataset.spec);
  const target = figure.querySelector(".chart__interactive");
  if (!source || !target || typeof window.vegaEmbed !== "function") {
    return;
  }
  const spec = JSON.parse(source.textContent);
  const options = { actions: false, renderer: "svg", theme: isDark() ? "dark" : undefined };
  if (isDark()) {
    spec.background = "transparent";
  }
  try {
    await window.vegaEmbed(target, spec, options);
    target.removeAttribute("aria-hidden");
    figure.classList.add("chart--interactive");
  } catch (error) {
    // The static chart is still there; say why the interactive one is not.
    console.warn("Chart could not be drawn interactively:", error);
  }
}

function renderAll() {
  document.querySelectorAll("figure.chart[data-spec]").forEach(renderChart);
}

renderAll();
// Redraw in the other theme when the reader switches between light and dark.
new MutationObserver(renderAll).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
