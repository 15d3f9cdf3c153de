// Hides questions that the instrument's skip rules skip (the form works without this script too: skipped
// questions then show their rule and a "Not asked" choice).
(function () {
  "use strict";
  var form = document.querySelector("form.screening-form");
  if (!form) return;
  var sexField = form.querySelector("[name=sex]");

  function answerOf(id) {
    var inputs = form.querySelectorAll("[name='item-" + id + "']");
    var picked = [];
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked && input.value !== "skip") picked.push(input);
      } else if (input.value !== "") {
        return { value: Number(input.value), points: null };
      }
    }
    if (!picked.length) return null;
    var fieldset = inputs[0].closest("fieldset");
    if (fieldset.dataset.type === "select_all") {
      return { value: picked.map(function (p) { return Number(p.value); }), points: null };
    }
    var p = picked[0];
    var value = fieldset.dataset.type === "yes_no" ? p.value === "yes" : Number(p.value);
    return { value: value, points: p.dataset.points === "" || p.dataset.points === undefined ? null : Number(p.dataset.points) };
  }

  function compare(value, rule) {
    if (value === null || value === undefined) return false;
    if ("eq" in rule) return value === rule.eq;
    if ("ne" in rule) return value !== rule.ne;
    if ("in" in rule) return rule.in.indexOf(value) >= 0;
    if ("includes_any" in rule) return Array.isArray(value) && value.some(function (v) { return rule.includes_any.indexOf(v) >= 0; });
    if (typeof value !== "number") return false;
    if ("gt" in rule) return value > rule.gt;
    if ("ge" in rule) return value >= rule.ge;
    if ("lt" in rule) return value < rule.lt;
    if ("le" in rule) return value <= rule.le;
    return false;
  }

  function holds(rule) {
    if (rule.any) return rule.any.some(holds);
    if (rule.all) return rule.all.every(holds);
    if (rule.not) return !holds(rule.not);
    if (rule.sex) return sexField && sexField.value === rule.sex;
    if (rule.sum_points) {
      var total = 0;
      rule.sum_points.forEach(function (id) { var a = answerOf(id); if (a && a.points) total += a.points; });
      return compare(total, rule);
    }
    var answer = answerOf(rule.item);
    return compare(answer ? answer.value : null, rule);
  }

  function refresh() {
    var fieldsets = form.querySelectorAll("fieldset[data-ask-if]");
    for (var i = 0; i < fieldsets.length; i++) {
      var fieldset = fieldsets[i];
      var asked = holds(JSON.parse(fieldset.dataset.askIf));
      fieldset.hidden = !asked;
      if (!asked) {
        var skip = fieldset.querySelector("input[value=skip]");
        if (skip) skip.checked = true;
        fieldset.querySelectorAll("input[type=number], input[type=checkbox]").forEach(function (input) {
          if (input.type === "checkbox") input.checked = false; else input.value = "";
        });
      }
    }
  }
  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  refresh();
})();
