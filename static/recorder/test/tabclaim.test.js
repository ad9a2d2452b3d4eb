import assert from "node:assert/strict";
import { test } from "node:test";
import { claimTab } from "../src/tabclaim.js";

// Node has a real BroadcastChannel: two "pages" in one process behave like two tabs of one origin.
const win = { BroadcastChannel, setTimeout };

test("a second page with a copied tab id learns the id is taken; a fresh id is not", async () => {
  const open = [];
  try {
    const tabs = { owner: "tab-a", copy: "tab-a" };
    const owner = await claimTab(win, tabs.owner, () => tabs.owner, 30);
    open.push(owner);
    assert.equal(owner.conflict, false);
    const copy = await claimTab(win, tabs.copy, () => tabs.copy, 60);
    open.push(copy);
    assert.equal(copy.conflict, true);
    tabs.copy = "tab-b"; // the copy forks to a new id and answers for that one only
    const other = await claimTab(win, "tab-c", () => "tab-c", 60);
    open.push(other);
    assert.equal(other.conflict, false);
    const again = await claimTab(win, "tab-b", () => "tab-b", 60);
    open.push(again);
    assert.equal(again.conflict, true, "the forked id is claimed too");
  } finally {
    for (const c of open) c.close();
  }
});

test("without BroadcastChannel there is no conflict and no delay", async () => {
  const result = await claimTab({ setTimeout }, "tab-a", () => "tab-a");
  assert.equal(result.conflict, false);
});
