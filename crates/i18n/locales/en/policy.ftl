# The community guidelines and the reasons a rejected author reads, in the words of the
# publisher's policy. Translations carry its meaning, not its English wording.

guidelines-lead = Every comment is read by a moderator before it is published.
guidelines-body = Comments about the article are welcome, and so is constructive criticism of us. We reject profanity, threats, personal attacks, vulgarity, abuse (such as sexism, racism, homophobia or xenophobia) and commercial or personal promotion. Comments are never edited: each is approved or rejected whole.

## Why a comment was rejected: completes "Your comment was rejected: …"

reason-profanity = it contains profanity
reason-vulgarity = it contains vulgarity
reason-threat = it contains a threat
reason-personal_attack = it attacks a person
reason-identity_abuse = it abuses people for who they are (such as sexism, racism, homophobia or xenophobia)
reason-promotion = it is commercial or personal promotion
reason-off_topic = it is not about the article
reason-other = it does not meet the community guidelines

## Guideline categories as moderators see them

category-profanity = profanity
category-vulgarity = vulgarity
category-threat = threat
category-personal_attack = personal attack
category-identity_abuse = identity abuse
category-promotion = promotion
category-off_topic = off topic
category-other = other
