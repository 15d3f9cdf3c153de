// "Use my location": fills latitude and longitude from the phone's position. The form works without it.
(function () {
  "use strict";
  document.querySelectorAll("button.locate").forEach(function (button) {
    if (!("geolocation" in navigator)) return;
    var form = button.closest("form");
    var status = form.querySelector(".locate-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(5);
          form.querySelector("[name=lon]").value = position.coords.longitude.toFixed(5);
          var radius = form.querySelector("[name=radius_km]");
          if (!radius.value) radius.value = "10";
          status.textContent = "";
          form.submit();
        },
        function () { status.textContent = button.dataset.failed; },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 }
      );
    });
  });
})();
