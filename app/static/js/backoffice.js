/* Case workspace: a canned answer is inserted into the reply box without reloading the page.
   Only a shortcut: without JS the "Usar esta respuesta" button reloads with ?plantilla=<id>. */
(function () {
  "use strict";
  document.querySelectorAll("form.bo-plantillas").forEach(function (form) {
    form.addEventListener("submit", function (evento) {
      var destino = document.getElementById(form.getAttribute("data-destino"));
      var elegida = form.querySelector("select option:checked");
      if (!destino || !elegida) { return; }
      evento.preventDefault();
      destino.value = elegida.getAttribute("data-texto") || "";
      destino.focus();
      destino.setSelectionRange(0, 0);
    });
  });
})();
