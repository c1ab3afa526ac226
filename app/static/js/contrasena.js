/* Password fields with their requirements visible while typing (see _macros/contrasena.html).
   Only a help: the server checks everything again. No data leaves the page. */
(function () {
  "use strict";
  if (window.ovContrasena) { return; }
  window.ovContrasena = true;

  // Obvious cases only; the server has the full common-password check (zxcvbn).
  var COMUNES = ["contrasena", "password", "qwerty", "asdfgh", "123456", "abcdef", "iloveyou",
    "teamo", "tequiero", "queretaro", "mexico", "000000", "111111", "123123", "654321"];
  var ESTADOS = {
    ok: { icono: "✓", clase: "text-success", texto: " (cumple)" },
    falta: { icono: "✗", clase: "text-danger", texto: " (no cumple)" },
    info: { icono: "•", clase: "text-body-secondary", texto: " (se revisa al continuar)" },
    pendiente: { icono: "•", clase: "text-body-secondary", texto: "" }
  };

  function plano(texto) {
    return String(texto).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function partesPropias(contexto) {
    var partes = [];
    contexto.forEach(function (dato) {
      var p = plano(dato);
      partes.push(p.replace(/\s+/g, ""));
      p.split(/[^0-9a-z]+/).forEach(function (x) { partes.push(x); });
    });
    return partes.filter(function (x) { return x.length >= 4; });
  }

  function esObvia(valor) {
    var p = plano(valor);
    if (/^(.)\1+$/.test(p)) { return true; }
    return COMUNES.some(function (c) { return p.indexOf(c) !== -1 && p.length < c.length + 5; });
  }

  function marcar(li, estado) {
    if (!li || li.dataset.estado === estado) { return; }
    var e = ESTADOS[estado];
    li.dataset.estado = estado;
    li.classList.remove("text-success", "text-danger", "text-body-secondary");
    li.classList.add(e.clase);
    li.querySelector(".ov-req-icono").textContent = e.icono;
    li.querySelector(".ov-req-estado").textContent = e.texto;
  }

  function iniciar(caja) {
    var minimo = Number(caja.dataset.minimo || 10);
    var propias = partesPropias(JSON.parse(caja.dataset.contexto || "[]"));
    var campo = caja.querySelector("[data-rol=contrasena]");
    var confirmacion = caja.querySelector("[data-rol=confirmacion]");
    var regla = function (nombre) { return caja.querySelector("[data-regla=" + nombre + "]"); };
    if (!campo || !confirmacion) { return; }

    function revisar() {
      var valor = campo.value;
      var vacio = valor.length === 0;
      var p = plano(valor);
      marcar(regla("largo"), vacio ? "pendiente" : (valor.length >= minimo ? "ok" : "falta"));
      var usaPropios = propias.some(function (x) { return p.indexOf(x) !== -1; });
      marcar(regla("propios"), vacio ? "pendiente" : (usaPropios ? "falta" : "ok"));
      marcar(regla("comun"), vacio ? "pendiente" : (esObvia(valor) ? "falta" : "info"));
      var otra = confirmacion.value;
      marcar(regla("coincide"), otra.length === 0 ? "pendiente" : (otra === valor ? "ok" : "falta"));
    }

    caja.querySelectorAll("[data-mostrar]").forEach(function (boton) {
      var destino = document.getElementById(boton.getAttribute("aria-controls"));
      boton.hidden = false;
      boton.addEventListener("click", function () {
        var mostrar = destino.type === "password";
        destino.type = mostrar ? "text" : "password";
        boton.querySelector("[data-texto]").textContent = mostrar ? "Ocultar" : "Mostrar";
      });
    });
    campo.addEventListener("input", revisar);
    confirmacion.addEventListener("input", revisar);
    revisar();
  }

  function arrancar() {
    document.querySelectorAll("[data-contrasena]").forEach(iniciar);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", arrancar);
  } else {
    arrancar();
  }
}());
