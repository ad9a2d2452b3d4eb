// The fidelity demo page: form controls of every kind, a modal dialog and a popover, for the recorder's
// end-to-end tests and bench/fidelity.py.
(() => {
  const modal = document.getElementById("modal");
  document.getElementById("open-dialog").addEventListener("click", () => modal.showModal());
  document.getElementById("close-dialog").addEventListener("click", () => modal.close());
  let item = 0;
  document.getElementById("hash-route").addEventListener("click", () => {
    item += 1;
    window.location.hash = `#/item/${item}`;
  });
  document.getElementById("throw").addEventListener("click", () => {
    throw new TypeError("preferences is not iterable");
  });
})();
