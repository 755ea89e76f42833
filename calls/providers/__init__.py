"""Provider adapters: each turns a verified webhook body into ``CallReport``s.

``twilio`` reads Twilio's voice status and recording callbacks; every other provider slug
uses Oficina's generic JSON format (docs/webhooks.md).
"""
