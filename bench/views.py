"""The two baseline views: as little as Django can do for a read and for a write."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from bench.models import BaselineRow

CONSTANT = {"status": "ok", "count": 12345}


@require_safe
def constant_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse(CONSTANT)


# A baseline write with no form and no token: the floor the sign form is measured against.
@csrf_exempt
@require_POST
def insert_row(request: HttpRequest) -> HttpResponse:
    row = BaselineRow.objects.create(payload=request.POST.get("payload", "")[:64])
    return JsonResponse({"id": row.pk}, status=201)
