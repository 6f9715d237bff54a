// Render every formula Sphinx wrote as TeX (class "math") with the vendored
// KaTeX. Errors are shown in place (KaTeX's .katex-error) rather than thrown,
// so one bad formula does not stop the others and tests can find it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("span.math, div.math").forEach(function (el) {
    var display = el.tagName === "DIV";
    var target = display ? el.querySelector("span.tex") : el;
    if (!target) return;
    katex.render(target.textContent, target, {
      displayMode: display,
      throwOnError: false,
    });
  });
});
