# What a person reads when a request is refused: the form's error above the form, an error
# page, and the API's `message` for a client that asked for a language. One message per error
# code (`error-<code>`); the placeholders:
#   $field: a field-* message; $character: a code point written U+XXXX; $position, $length,
#   $limit, $seconds, $id: numbers.

field-author_name = name
field-author_email = email
field-body = body
field-note = note
field-username = user name
field-slug = slug
field-token = private link code

error-name_required = please give a name to post under
error-name_too_long = a name may have at most { $limit } characters
error-bidi_control = { $field }: contains the direction control { $character }, which would reorder the text shown after the name; remove it
error-control_character = { $field }: contains the control character { $character } at character { $position }; remove it
error-bad_email = that does not look like an email address
error-empty_body = the comment is empty
error-body_too_long = the comment has { $length } characters; the limit is { $limit }
error-note_too_long = a note may have at most { $limit } characters
error-username_too_long = { $field }: is longer than any user name can be
error-unknown_parent = the comment you reply to does not exist
error-comments_closed = comments are closed on this article
error-unknown_article = there is no such article
error-unknown_comment = there is no such comment
error-bad_token = that is not the private link of this comment
error-malformed_form = the form could not be read
error-bad_csrf = This form has expired. Go back, reload the page and try again.
error-forbidden = This page is for moderators.
error-rate_limited =
    { $seconds ->
        [one] too many requests from your address; try again in { $seconds } second
       *[other] too many requests from your address; try again in { $seconds } seconds
    }
error-login_throttled =
    { $seconds ->
        [one] too many failed log-ins on this account lately; from a browser that has logged in to it before you can log in now, otherwise try again in { $seconds } second
       *[other] too many failed log-ins on this account lately; from a browser that has logged in to it before you can log in now, otherwise try again in { $seconds } seconds
    }
error-busy = the server is busy; retry in a moment
error-database_unavailable = the database is unavailable for a moment; try again shortly (a comment is never stored twice)
error-idempotency_key_reused = this form was already used for a different comment; reload the page to post a new one
error-already_decided = this comment has already been decided
error-claimed_by_other = another moderator is deciding this comment
error-bad_decision = choose approve or reject
error-category_required = a rejection needs the guideline it breaks
error-bad_category = that is not a guideline category
error-unauthenticated = log in first
error-internal = the server failed to complete the request; it has been logged
error-request_timeout = the request took too long; try again
error-body_too_large = the request is too large
error-overloaded = the server is at its limit; try again in a moment
error-unknown_route = there is no page at this address
error-method_not_allowed = this address does not accept that kind of request
error-bad_request = the request could not be understood

## The moderators' console

error-nothing_to_undo = Nothing to undo: only your last decision, within 10 seconds.
error-undo_expired = Too late to undo; overturn it from its history instead.
error-note_required = An overturn needs a note saying why.
error-no_selection = Select at least one comment first.
error-bad_ids = Comment ids are whole numbers.
error-bad_score = A score is a number from 0 to 1.
error-bad_queue = The queue is pending, approved, rejected or log.
error-bad_lang = Unknown language.
error-bad_engine = The engine filter is review or auto.
error-bad_cursor = This page's address is not valid; start again from the queue.
