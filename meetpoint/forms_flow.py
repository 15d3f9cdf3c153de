"""How a page runs a form through an action, in one place: bind, validate, call the action, turn the action's
refusal into an error on the form (at the field it names) and answer with the form again, or say it worked and
move on. `InvalidInput` and `NotAllowed` are what actions raise for bad input and for a role that may not act;
pages, the API and the command line all read them."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from meetpoint.accounts.permissions import membership_required
from meetpoint.errors import ActionError, NotAllowed

# The names pages have always used for the one error contract of meetpoint/errors.py.
InvalidInput = ActionError


def submit(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[dict], Any],
    *,
    then: Callable[[Any], HttpResponse],
    page: Callable[[int], HttpResponse],
    done: str = "",
) -> HttpResponse:
    """Runs `action(form.cleaned_data)` when the bound form is valid, and answers:

    - an unbound form (the page is being opened): `page(200)`;
    - a form that does not validate: `page(400)`, the form showing its errors;
    - an action that refuses the input: `page(status)` with the action's message beside the field it names
      (or above the form when the form has no such field);
    - an action the role may not take: 403;
    - otherwise the message `done` (if any) and `then(what the action returned)`, usually a redirect.
    """
    if not form.is_bound:
        return page(200)
    if not form.is_valid():
        return page(400)
    try:
        result = action(form.cleaned_data)
    except NotAllowed as refusal:
        raise PermissionDenied(str(refusal)) from None
    except ActionError as problem:
        if problem.status == 404:
            raise Http404(str(problem)) from None
        form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        return page(problem.status)
    if done:
        messages.success(request, done)
    return then(result)


def form_page(request: HttpRequest, template: str, context: dict) -> Callable[[int], HttpResponse]:
    """The `page` of submit() for a page that is just its template: rendered at the status submit() chooses."""
    return lambda status: render(request, template, context, status=status)


def posted_about(
    find: Callable,
    form_class: type[forms.Form],
    action: Callable,
    *,
    roles: frozenset[str],
    done: str,
    then: Callable[[Any], HttpResponse],
    page: Callable[[HttpRequest, Any, forms.Form, int], HttpResponse],
):
    """The view of a form posted from one object's page (attendance on an event, a status on a policy):
    `find(membership, **url arguments)` gives the object the acting member may change (a 404 otherwise),
    `action(membership, object, **cleaned data)` runs through submit(), then `then(object)`; what to correct is
    shown by `page(request, object, form, status)`. POST only, for members in `roles`."""

    @require_POST
    @membership_required(roles=roles)
    def view(request: HttpRequest, **url_arguments) -> HttpResponse:
        found = find(request.membership, **url_arguments)
        form = form_class(request.POST)
        return submit(
            request,
            form,
            lambda data: action(request.membership, found, **data),
            done=done,
            then=lambda _: then(found),
            page=lambda status: page(request, found, form, status),
        )

    return view
