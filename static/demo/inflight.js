// Starts a slow request while the page parses, before the recorder loads (demo fidelity page).
fetch("/demo/api/slow?ms=1500", { headers: { Accept: "application/json" } });
