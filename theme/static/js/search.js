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

// A development build (READER_SEARCH_RECENT_PAGES) keeps the full index while few pages
// change: pages new since it are indexed on their own, in pagefind/recent/, and
// pagefind/recent.json names them, the pages removed since (their results are dropped)
// and the pages edited since they were indexed (their results are marked).
async function mergeRecent(pagefind) {
  const bundle = new URL("pagefind/", root);
  const response = await fetch(new URL("recent.json", bundle));
  if (!response.ok) throw new Error(`pagefind/recent.json: ${response.status}`);
  const recent = await response.json();
  if (recent.index) {
    await pagefind.mergeIndex(new URL(recent.index, bundle).pathname, { baseUrl: root.pathname });
  }
  const paths = (urls) => new Set((urls || []).map((url) => new URL(url, root).pathname));
  return { replaced: paths(recent.urls), edited: paths(recent.edited) };
}

function loadEngine() {
  if (!engine) {
    engine = import(new URL("pagefind/pagefind.js", root).href).then(async (pagefind) => {
      await pagefind.options({ baseUrl: root.pathname, excerptLength: 24 });
      await pagefind.init();
      const recent = "recentPages" in form.dataset ? await mergeRecent(pagefind) : null;
      return { pagefind, replaced: recent ? recent.replaced : new Set(), edited: recent ? recent.edited : new Set() };
    });
  }
  return engine;
}

// The first `count` results, less those of pages removed since the full index.
async function current(results, replaced, count) {
  const kept = [];
  for (let start = 0; start < results.length && kept.length < count; start += count) {
    const batch = await Promise.all(results.slice(start, start + count).map((r) => r.data()));
    for (const data of batch) {
      const recent = data.meta.search_index === "recent";
      if (recent || !replaced.has(new URL(data.url, location.href).pathname)) kept.push(data);
    }
  }
  return kept.slice(0, count);
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

function show(results, query, edited) {
  list.replaceChildren();
  for (const result of results) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.meta.title || result.url;
    item.append(link);
    if (edited.has(new URL(result.url, location.href).pathname)) {
      const note = document.createElement("span");
      note.className = "search-edited";
      note.textContent = " (edited since the search index was built: found as it was then)";
      item.append(note);
    }
    const excerpt = document.createElement("p");
    excerpt.append(...excerptNodes(result.excerpt));
    item.append(excerpt);
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
    const { pagefind, replaced, edited } = await loadEngine();
    const search = await pagefind.debouncedSearch(query, {}, 200);
    if (search === null) return; // a newer query replaced this one
    show(await current(search.results, replaced, 20), query, edited);
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
