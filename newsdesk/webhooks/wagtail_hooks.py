from wagtail import hooks

from .viewsets import WebhookDeliveryViewSet, WebhookViewSet


@hooks.register("register_admin_viewset")
def register_webhook_viewsets():
    return [WebhookViewSet("webhook"), WebhookDeliveryViewSet("webhookdelivery")]
