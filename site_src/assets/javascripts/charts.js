// Turns each static chart into an interactive one when JavaScript runs. Without JavaScript the static SVG and
// the table stay: nothing here is needed to read the numbers.
const DARK_SCHEME = "slate";

function isDark() {
  // The site's pages carry the theme's palette choice; an embed page has no theme and follows the reader's setting.
  const scheme = document.body.getAttribute("data-md-color-scheme");
  return scheme ? scheme === DARK_SCHEME : window.matchMedia("(prefers-color-scheme: dark)").matches;
}

// A chart's group selector is a Vega-Lite parameter bound to a menu. Its value lives in the page's address
// (?<chart-name>=<group>), so that a link reproduces the view; the chart's name is the key, not the signal's,
// because the name is what the page shows in its anchors (#chart-<name>).
function selectorOf(spec) {
  return (spec.params || []).find((param) => param.bind && param.bind.input === "select");
}

function restoreSelection(view, figure, selector) {
  const wanted = new URLSearchParams(window.location.search).get(figure.dataset.chart);
  if (wanted !== null && selector.bind.options.includes(wanted)) {
    view.signal(selector.name, wanted).run();
  }
}

function keepSelectionInAddress(view, figure, selector) {
  view.addSignalListener(selector.name, (name, value) => {
    const url = new URL(window.location.href);
    if (value === null || value === undefined) {
      url.searchParams.delete(figure.dataset.chart);
    } else {
      url.searchParams.set(figure.dataset.chart, value);
    }
    window.history.replaceState(window.history.state, "", url);
  });
}

// Each chart's spec (with its data) is a file beside the page, fetched once: the page itself carries only what a
// reader without JavaScript uses (the static image of the headline chart, the description, the table).
const specs = new Map();
// The live view of each chart by name, for the image downloads the browser makes (`offerDownloads`).
const views = new Map();

function specOf(figure) {
  const url = new URL(figure.dataset.specUrl, window.location.href).href;
  if (!specs.has(url)) {
    specs.set(url, fetch(url).then((response) => {
      if (!response.ok) {
        throw new Error(`${url} answered ${response.status}`);
      }
      return response.text();
    }));
  }
  return specs.get(url);
}

async function renderChart(figure) {
  const target = figure.querySelector(".chart__interactive");
  if (!target || typeof window.vegaEmbed !== "function") {
    return;
  }
  try {
    const text = await specOf(figure);
    let spec = JSON.parse(text);
    const options = { actions: false, renderer: "svg", theme: isDark() ? "dark" : undefined };
    if (isDark()) {
      // The spec's colours are chosen for white; on the dark page each becomes its lighter tint (charts.py).
      const swaps = new Map(Object.entries(spec.usermeta?.darkColours ?? {}));
      spec = JSON.parse(text, (key, value) => swaps.get(value) ?? value);
      spec.background = "transparent";
    }
    const result = await window.vegaEmbed(target, spec, options);
    views.set(figure.dataset.chart, result.view);
    const selector = selectorOf(spec);
    if (selector) {
      restoreSelection(result.view, figure, selector);
      keepSelectionInAddress(result.view, figure, selector);
    }
    // Vega names the container and every mark, so a screen reader would read the chart point by point; the
    // table below gives those numbers in a form made for that. The chart is one image, named by its description.
    for (const attribute of ["role", "aria-roledescription", "aria-label", "aria-hidden"]) {
      target.removeAttribute(attribute);
    }
    const svg = target.querySelector("svg");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", spec.description ?? "");
    figure.classList.add("chart--interactive");
  } catch (error) {
    // The static chart or the table is still there; say why the interactive one is not.
    console.warn("Chart could not be drawn interactively:", error);
  }
}

function saveAs(address, name) {
  const link = document.createElement("a");
  link.href = address;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

// A chart the build draws no image of gets its SVG and PNG here, from the live chart, as Vega's own menu would
// make them. The buttons stay hidden until their chart is drawn.
async function download(button, offer) {
  const view = views.get(offer.dataset.chart);
  if (!view) {
    return;
  }
  const name = `${offer.dataset.file}.${button.dataset.format}`;
  if (button.dataset.format === "svg") {
    const svg = await view.toSVG();
    const address = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    saveAs(address, name);
    URL.revokeObjectURL(address);
  } else {
    saveAs(await view.toImageURL("png", 2), name);
  }
}

function offerDownloads() {
  document.querySelectorAll(".chart-downloads[data-chart]").forEach((offer) => {
    if (!views.has(offer.dataset.chart)) {
      return;
    }
    offer.hidden = false;
    offer.querySelectorAll("button[data-format]").forEach((button) => {
      button.onclick = () => download(button, offer);
    });
  });
}

async function renderAll() {
  await Promise.all([...document.querySelectorAll("figure.chart[data-spec-url]")].map(renderChart));
  offerDownloads();
}

// The embed snippet is written with an address relative to the page; a reader copying it needs the full one.
function completeEmbedSnippets() {
  document.querySelectorAll("code[data-embed-path]").forEach((code) => {
    const address = new URL(code.dataset.embedPath, window.location.href).href;
    code.textContent = code.textContent.replace(`src="${code.dataset.embedPath}"`, `src="${address}"`);
  });
}

completeEmbedSnippets();
renderAll();
// Redraw in the other theme when the reader switches between light and dark.
new MutationObserver(renderAll).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
