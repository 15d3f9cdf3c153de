from django.shortcuts import render

from meetpoint.accounts.permissions import membership_required


def search(request):
    return render(request, "base.html")


def map_view(request):
    return render(request, "base.html")


def mobile_today(request):
    return render(request, "base.html")


@membership_required
def manage(request):
    return render(request, "base.html")
