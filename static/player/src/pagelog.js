// Page loads and route changes, counted apart. One `sr.env` row is written per page load (the recorder
// starts once per document); `sr.route` rows (spa: true) are pushState/replaceState/popstate/hashchange
// changes inside a page. rrweb's Meta rows repeat at every full snapshot (checkouts, a joining agent),
// so they say where the customer is, never how many pages they loaded.

export class PageLog {
  constructor() {
    this.loads = 0;
    this.routes = 0;
    this.current = null;
  }

  add(row) {
    if (row.kind === "env") this.loads += 1;
    else if (row.kind === "nav") {
      if (row.spa && row.href && row.href !== this.current) this.routes += 1;
      if (row.href) this.current = row.href;
    }
  }
}
