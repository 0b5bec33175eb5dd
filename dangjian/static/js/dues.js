// Dues collection: a "tick all" box ticks every member still to pay (those that can be ticked).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[data-check-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll('input[data-check="' + all.dataset.checkAll + '"]:not(:disabled)').forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });
  // The reduced amount of a relief matters only for a reduction.
  var kind = document.querySelector("select[name=kind]");
  var amount = document.getElementById("id_reduced_amount");
  if (kind && amount) {
    var sync = function () { amount.closest(".mb-3").hidden = kind.value !== "reduction"; };
    kind.addEventListener("change", sync);
    sync();
  }
});
