// The fidelity demo page: form controls of every kind, a modal dialog and a popover, for the recorder's
// end-to-end tests and bench/fidelity.py.
(() => {
  const modal = document.getElementById("modal");
  document.getElementById("open-dialog").addEventListener("click", () => modal.showModal());
  document.getElementById("close-dialog").addEventListener("click", () => modal.close());
})();
