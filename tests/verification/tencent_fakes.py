"""Tencent Cloud FaceID without the network (R-ID-4): a transport that plays recorded answers and
notes what was asked, and the answers themselves.

The answers are shaped as the API documentation's output examples and field lists
(DetectAuth: https://cloud.tencent.com/document/api/1007/31816, GetDetectInfoEnhanced:
https://cloud.tencent.com/document/api/1007/41957, common error answer
``{"Response": {"Error": {"Code", "Message"}, "RequestId"}}``); the tokens, request ids and the
failing ``ErrCode`` are made up for these tests, not captured from Tencent."""

from __future__ import annotations

import json

from ownervote.verification.providers.tencent import HttpRequest, HttpResponse, TencentFaceProvider

BIZ_TOKEN = "CE661F1A-0F1E-45BD-BE13-34C05CEA7681"
H5_URL = f"https://faceid.qq.com/api/auth/h5/?token={BIZ_TOKEN}"
REQUEST_ID = "f904f4cf-75db-4f8f-a5ec-dc4f942c7f7a"
OPTIONS = {
    "app_id": "ownervote",
    "secret": "callback-secret-of-at-least-32-characters",
    "secret_id": "AKIDexampleexampleexample",
    "secret_key": "exampleSecretKeyExample",
    "rule_id": "1",
    "endpoint": "",
    "connect_timeout": "2",
    "read_timeout": "4",
    "retries": "2",
}


def answer(response: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(status=status, body=json.dumps({"Response": response}, ensure_ascii=False).encode())


def detect_auth_answer(token: str = BIZ_TOKEN) -> HttpResponse:
    return answer(
        {
            "Url": f"https://faceid.qq.com/api/auth/h5/?token={token}",
            "BizToken": token,
            "RequestId": REQUEST_ID,
        }
    )


def error_answer(code: str, message: str = "", status: int = 200) -> HttpResponse:
    return answer({"Error": {"Code": code, "Message": message or code}, "RequestId": REQUEST_ID}, status)


def text_answer(err_code, *, sim="95.34", id_card="", extra="", err_msg="成功") -> HttpResponse:
    """GetDetectInfoEnhanced with InfoType 1: the text result, the image fields null."""
    text = {
        "ErrCode": err_code,
        "ErrMsg": err_msg if err_code is not None else None,
        "IdCard": id_card,
        "Name": "",
        "LiveStatus": err_code,
        "LiveMsg": err_msg if err_code is not None else None,
        "Comparestatus": err_code,
        "Comparemsg": err_msg if err_code is not None else None,
        "Sim": sim if err_code is not None else None,
        "Extra": extra,
        "LivenessDetail": [],
    }
    return answer(
        {"Text": text, "IdCardData": None, "BestFrame": None, "VideoData": None, "RequestId": REQUEST_ID}
    )


PENDING = text_answer(None, sim=None)


class FakeTransport:
    """Answers with ``replies`` in turn (an exception is raised instead) and keeps the requests."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.requests: list[HttpRequest] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        assert self.replies, f"unexpected request {request.headers.get('X-TC-Action')}"
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        return reply

    def bodies(self) -> list[dict]:
        return [json.loads(r.body) for r in self.requests]

    def actions(self) -> list[str]:
        return [r.headers["X-TC-Action"] for r in self.requests]


def provider(transport, *, sleeps: list | None = None, clock=None, **options) -> TencentFaceProvider:
    sleeps = [] if sleeps is None else sleeps
    kwargs = {"clock": clock} if clock else {}
    return TencentFaceProvider({**OPTIONS, **options}, transport=transport, sleep=sleeps.append, **kwargs)
