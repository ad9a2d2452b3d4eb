// The demo shop's own behaviour: a cart in sessionStorage, a client-side cart route (pushState), a failing
// payment call, a deliberate bug and some console output, so a recording has everything to look at.
(function () {
  "use strict";
  const CART_KEY = "demo.cart";
  const $ = (sel) => document.querySelector(sel);
  const money = (n) => `€${n.toFixed(2)}`;

  function loadCart() {
    try {
      return JSON.parse(sessionStorage.getItem(CART_KEY) || "[]");
    } catch (e) {
      return [];
    }
  }
  function saveCart(cart) {
    sessionStorage.setItem(CART_KEY, JSON.stringify(cart));
  }
  function total(cart) {
    return cart.reduce((sum, line) => sum + line.price * line.qty, 0);
  }

  function renderLines(list, cart) {
    if (!list) return;
    list.innerHTML = "";
    if (!cart.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "Your cart is empty.";
      list.appendChild(li);
      return;
    }
    for (const line of cart) {
      const li = document.createElement("li");
      li.innerHTML = `<span>${line.qty} × ${line.name}</span><span>${money(line.price * line.qty)}</span>`;
      list.appendChild(li);
    }
  }

  function render() {
    const cart = loadCart();
    $("#cart-count").textContent = String(cart.reduce((n, l) => n + l.qty, 0));
    renderLines($("#cart-lines"), cart);
    renderLines($("#summary-lines"), cart);
    for (const id of ["#cart-total", "#summary-total"]) if ($(id)) $(id).textContent = money(total(cart));
    if ($("#pay-amount")) $("#pay-amount").textContent = money(total(cart));
  }

  function addToCart(button) {
    const cart = loadCart();
    const line = cart.find((l) => l.sku === button.dataset.sku);
    if (line) line.qty += 1;
    else cart.push({ sku: button.dataset.sku, name: button.dataset.name, price: parseFloat(button.dataset.price), qty: 1 });
    saveCart(cart);
    console.log("Added to cart:", button.dataset.sku, "items:", cart.length);
    button.textContent = "Added ✓";
    setTimeout(() => (button.textContent = "Add to cart"), 900);
    render();
  }

  // The cart is a client-side route: /demo/cart without a page load.
  function showCart(open, push) {
    const cart = $("#cart");
    if (!cart) {
      window.location.href = "/demo/cart";
      return;
    }
    cart.hidden = !open;
    document.body.classList.toggle("cart-open", open);
    const path = open ? "/demo/cart" : "/demo/";
    if (push && window.location.pathname !== path) history.pushState({ cart: open }, "", path);
  }

  async function loadStock() {
    try {
      const res = await fetch("/demo/api/products", { headers: { Accept: "application/json" } });
      const data = await res.json();
      for (const p of data.products) {
        const el = document.querySelector(`[data-stock-for="${p.sku}"]`);
        if (el) el.textContent = p.stock < 5 ? `Only ${p.stock} left` : "In stock";
      }
    } catch (e) {
      console.warn("Could not load stock", e);
    }
  }

  async function pay(event) {
    event.preventDefault();
    const status = $("#pay-status");
    const button = $("#pay");
    const email = $("#email").value;
    button.disabled = true;
    button.classList.add("busy");
    status.hidden = true;
    console.info("Submitting payment for", email);
    try {
      const res = await fetch("/demo/api/pay", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ amount: total(loadCart()), email }),
      });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        throw new Error(`${res.status} ${body.message || res.statusText}`);
      }
    } catch (e) {
      console.error("Payment failed:", e.message);
      status.textContent = `Payment failed: ${e.message} Please try again in a few minutes.`;
      status.className = "status error";
      status.hidden = false;
    } finally {
      button.disabled = false;
      button.classList.remove("busy");
    }
  }

  document.addEventListener("click", (event) => {
    const target = event.target.closest("button, a");
    if (!target) return;
    if (target.classList.contains("add")) addToCart(target);
    else if (target.id === "view-cart") showCart(true, true);
    else if (target.id === "close-cart") showCart(false, true);
    else if (target.id === "throw") {
      // A realistic bug: reading a property of something that is not there.
      const settings = undefined;
      console.debug("Applying discount settings");
      return settings.discount.code;
    }
  });
  window.addEventListener("popstate", () => showCart(window.location.pathname === "/demo/cart", false));

  const form = $("#checkout-form");
  if (form) {
    form.addEventListener("submit", pay);
    $("#email").addEventListener("input", (e) => {
      const value = e.target.value.trim();
      $("#receipt-hint").textContent = value.includes("@") ? `We'll send the receipt to ${value}` : "";
    });
  }
  if (window.location.pathname === "/demo/cart") showCart(true, false);
  if ($(".grid")) loadStock();
  render();
  console.log("Brew & Co. shop ready", { page: document.body.dataset.page });
})();
