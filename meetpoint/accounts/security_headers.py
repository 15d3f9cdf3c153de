"""A strict Content-Security-Policy on every response: scripts, styles and connections from this site only,
no inline script, no framing. Map tiles may come from the configured tile server's origin."""

from urllib.parse import urlsplit

from django.conf import settings


def content_security_policy() -> str:
    tiles = urlsplit(getattr(settings, "MEETPOINT_MAP_TILES", ""))
    tile_origin = (
        f" {tiles.scheme}://{tiles.netloc.replace('{s}', '*')}" if tiles.scheme and tiles.netloc else ""
    )
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data:{tile_origin}",
            "connect-src 'self'",
            "font-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
