"""A JSON reply encoded by orjson (C speed: a push reply holds 500 results)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse, Response


def json_reply(content: Any, status_code: int = 200) -> Response:
    """`content` as an application/json response; what orjson cannot encode (an integer
    beyond 64 bits, say) goes through Starlette's JSONResponse as before."""
    try:
        body = orjson.dumps(content)
    except orjson.JSONEncodeError:
        return JSONResponse(content, status_code=status_code)
    return Response(body, status_code=status_code, media_type="application/json")
