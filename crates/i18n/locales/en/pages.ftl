# Tribune's pages in English: the reference catalogue. Every other language has exactly these
# ids (the catalogue tests fail otherwise) and uses the same placeholders.

## The frame of every page

nav-articles = Articles
nav-queue = Moderation queue
nav-login = Moderator log in
nav-logout = Log out
nav-language = Language
# $time: a date and time already written in the page's language and calendar.
time-utc = { $time } UTC

## The front page

index-title = Articles
index-empty = No articles yet. An editor can import some with the command { $command }.
index-comment-count =
    { $count ->
        [one] { $count } comment
       *[other] { $count } comments
    }

## An article and its comment section

article-comments-heading = Comments ({ $count })
article-no-comments = No published comments yet.
article-reply = Reply
article-post-heading = Post a comment
article-replying-to = Replying to { $author }.
article-cancel-reply = Cancel
article-name = Name
article-email = Email
article-email-hint = (optional, never shown)
article-comment = Comment
article-submit = Post comment
article-closed = Comments are closed on this article.

## The author's status page

status-title = Your comment
status-article = On the article
status-pending = Thank you. Your comment awaits moderation.
status-pending-explained = A moderator reads every comment before it is published. This browser will show you the outcome on this page. To see it elsewhere later, keep this private link (it is yours alone; do not share it):
status-checking = Thank you. Your comment is being checked; the outcome will appear on this page.
status-approved = Your comment was approved and is published under the article.
# $reason: one of the reason-* messages.
status-rejected = Your comment was rejected: { $reason }.
status-rejected-no-reason = Your comment was rejected.
status-never-edited = Comments are never edited: each is approved or rejected whole. You are welcome to post a new comment that meets the guidelines.
status-open-explained = This page shows a comment's status to its author. Open the private link you were given when you posted it, or paste the part after { $marker } here.
status-token-label = Private link code
status-open-submit = Show my comment
status-form-expired = This form has expired. Open your private link again.
status-wrong-token = That is not the private link of this comment.

## Logging in

login-title = Log in
login-heading = Moderator log in
login-username = User name
login-password = Password
login-submit = Log in
login-form-expired = This form has expired. Please try again.
login-bad-credentials = Unknown user name or wrong password.

## Pages for errors

error-page-not-found = Not found
error-page-forbidden = Not allowed
error-page-conflict = Not possible now
error-page-too-many = Slow down
error-page-unavailable = Back in a moment
error-page-timeout = The request took too long
error-page-server = Something went wrong
error-page-bad-request = Something is wrong with the request
error-page-no-such-page = There is no page at this address.
error-page-failed = The server failed to show this page; the error has been logged.
error-page-back = Back to the articles

## Forms that expired (their CSRF token no longer matches)

article-form-expired = This form has expired. Go back, reload the page and post again.
logout-form-expired = This form has expired, so you are still logged in. Reload the page and log out again.
