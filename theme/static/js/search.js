// Search on the reader's side with Pagefind, loaded only when the reader searches.
// The page works without this script: it lists every issue. Results are built with
// DOM methods and text nodes only; Pagefind's excerpt is parsed inertly and only
// its text and <mark> elements are kept.
const form = document.querySelector(".search-form");
const input = document.getElementById("search-query");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const all = document.getElementById("search-all");
const root = new URL(form.dataset.siteRoot, location.href);
let engine = null;

function loadEngine() {
  if (!engine) {
    engine = import(new URL("pagefind/pagefind.js", root).href).then(async (pagefind) => {
      await pagefind.options({ baseUrl: root.pathname, excerptLength: 24 });
      await pagefind.init();
      return pagefind;
    });
  }
  return engine;
}

function excerptNodes(excerpt) {
  const parsed = new DOMParser().parseFromString(`<p>${excerpt}</p>`, "text/html").body;
  const nodes = [];
  for (const node of parsed.querySelector("p").childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(node.textContent));
    }
  }
  return nodes;
}

function show(results, query) {
  list.replaceChildren();
  for (const result of results) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.meta.title || result.url;
    const excerpt = document.createElement("p");
    excerpt.append(...excerptNodes(result.excerpt));
    item.append(link, excerpt);
    list.append(item);
  }
  list.hidden = results.length === 0;
  all.hidden = results.length > 0;
  const count = results.length === 1 ? "1 issue" : `${results.length} issues`;
  status.textContent = results.length ? `${count} found for “${query}”.` : `Nothing found for “${query}”.`;
}

async function run(query) {
  query = query.trim();
  if (!query) {
    list.hidden = true;
    all.hidden = false;
    return;
  }
  status.textContent = "Searching…";
  try {
    const pagefind = await loadEngine();
    const search = await pagefind.debouncedSearch(query, {}, 200);
    if (search === null) return; // a newer query replaced this one
    const results = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
    show(results, query);
  } catch (error) {
    engine = null;
    status.textContent = "Search could not load. Every issue is listed below.";
    all.hidden = false;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = input.value;
  history.replaceState(null, "", query.trim() ? `?q=${encodeURIComponent(query.trim())}` : location.pathname);
  run(query);
});
input.addEventListener("input", () => run(input.value));

const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  input.value = initial;
  run(initial);
}
