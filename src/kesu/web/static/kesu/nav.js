/* The top bar: the phone's menu button, and one menu open at a time, closed by Escape (focus back on
   its title) or by a click elsewhere. The menus themselves are <details> and work without this. */
(function () {
  "use strict";
  var toggle = document.querySelector(".nav-toggle");
  var panel = document.getElementById("site-menu");
  if (toggle && panel) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      panel.classList.toggle("open", open);
    });
  }
  var menus = Array.prototype.slice.call(document.querySelectorAll(".topbar details"));
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) { menus.forEach(function (other) { if (other !== menu) { other.open = false; } }); }
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) { if (menu.open && !menu.contains(event.target)) { menu.open = false; } });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    menus.forEach(function (menu) {
      if (menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
    });
  });
})();
