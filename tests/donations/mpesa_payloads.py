"""Daraja's documented request and answer shapes, for `responses` to play back.

Callbacks are the issue's shape (Daraja's "STK push result"); answers are those of Daraja's
sandbox: the token (`expires_in` a string), the STK push acknowledgement, the STK push query
(ResultCode a string there, a number in callbacks) and its "still processing" error.
"""

import json

import responses

BASE = "https://sandbox.safaricom.co.ke"
TOKEN_URL = BASE + "/oauth/v1/generate"
PUSH_URL = BASE + "/mpesa/stkpush/v1/processrequest"
QUERY_URL = BASE + "/mpesa/stkpushquery/v1/query"
CALLBACK_PATH = "/mobile-money/stk-callback/callback-secret-for-tests-0123/"
SMS_URL = "https://api.sandbox.africastalking.com/version1/messaging"


def token(rsps, *, access_token: str = "sandbox-token", expires_in: str = "3599"):  # noqa: S107
    return rsps.add(
        responses.GET,
        TOKEN_URL,
        json={"access_token": access_token, "expires_in": expires_in},
    )


def push_accepted(rsps, checkout: str = "ws_CO_011220261030001234", merchant: str = "29115-1"):
    return rsps.add(
        responses.POST,
        PUSH_URL,
        json={
            "MerchantRequestID": merchant,
            "CheckoutRequestID": checkout,
            "ResponseCode": "0",
            "ResponseDescription": "Success. Request accepted for processing",
            "CustomerMessage": "Success. Request accepted for processing",
        },
    )


def push_refused(rsps, *, status: int = 400):
    return rsps.add(
        responses.POST,
        PUSH_URL,
        status=status,
        json={
            "requestId": "11728-2929992-1",
            "errorCode": "400.002.02",
            "errorMessage": "Bad Request - Invalid PhoneNumber",
        },
    )


def query_result(rsps, checkout: str, code: str = "0", desc: str = ""):
    descriptions = {
        "0": "The service request is processed successfully.",
        "1032": "Request cancelled by user",
        "1037": "DS timeout user cannot be reached",
    }
    return rsps.add(
        responses.POST,
        QUERY_URL,
        json={
            "ResponseCode": "0",
            "ResponseDescription": "The service request has been accepted successsfully",
            "MerchantRequestID": "29115-1",
            "CheckoutRequestID": checkout,
            "ResultCode": code,
            "ResultDesc": desc or descriptions.get(code, "Error"),
        },
    )


def query_still_processing(rsps):
    return rsps.add(
        responses.POST,
        QUERY_URL,
        status=500,
        json={
            "requestId": "ws_CO_0112",
            "errorCode": "500.001.1001",
            "errorMessage": "The transaction is being processed",
        },
    )


def paid_callback(checkout: str, *, amount: int = 500, receipt: str = "NLJ7RT61SV") -> dict:
    return {
        "Body": {
            "stkCallback": {
                "MerchantRequestID": "29115-1",
                "CheckoutRequestID": checkout,
                "ResultCode": 0,
                "ResultDesc": "The service request is processed successfully.",
                "CallbackMetadata": {
                    "Item": [
                        {"Name": "Amount", "Value": amount},
                        {"Name": "MpesaReceiptNumber", "Value": receipt},
                        {"Name": "TransactionDate", "Value": 20261201103000},
                        {"Name": "PhoneNumber", "Value": 254711000000},
                    ]
                },
            }
        }
    }


def failed_callback(checkout: str, *, code: int = 1032, desc: str = "Request cancelled by user"):
    return {
        "Body": {
            "stkCallback": {
                "MerchantRequestID": "29115-1",
                "CheckoutRequestID": checkout,
                "ResultCode": code,
                "ResultDesc": desc,
            }
        }
    }


def post_callback(client, payload, *, path: str = CALLBACK_PATH, **extra):
    body = payload if isinstance(payload, bytes | str) else json.dumps(payload)
    return client.post(path, data=body, content_type="application/json", **extra)


def sms_sent(rsps, *, status_code: int = 101, status: str = "Success"):
    return rsps.add(
        responses.POST,
        SMS_URL,
        json={
            "SMSMessageData": {
                "Message": "Sent to 1/1 Total Cost: KES 0.8000",
                "Recipients": [
                    {
                        "statusCode": status_code,
                        "number": "+254711000000",
                        "status": status,
                        "cost": "KES 0.8000",
                        "messageId": "ATXid_sample",
                    }
                ],
            }
        },
    )
