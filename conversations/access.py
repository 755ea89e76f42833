"""Who may see which conversations.

Two gates, both required: the role grants "Conversation access", and the conversation's
channel lets this employee in — every employee, the selected ones (and the channel's owner),
or the owner alone. Every page, tab, API view and WebSocket reads through
``Channel.objects.accessible_to`` / ``Conversation.objects.visible_to``; anything outside
them is answered with 404, so existence is not leaked.
"""

PERMISSION = "communications.conversations"


def has_conversation_access(employee) -> bool:
    return bool(
        employee is not None
        and getattr(employee, "is_authenticated", False)
        and employee.is_active
        and employee.has_perm(PERMISSION)
    )
