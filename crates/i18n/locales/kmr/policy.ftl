# Rêbazên civakê û sedemên redkirinê, bi wateya siyaseta weşanxaneyê, ne wergera peyv bi peyv.
# Hewceyî çavdêriya axêverekî zikmakî ye (needs native review): hemû pel, bi taybetî navên
# cureyên nefretê.

guidelines-lead = Çavdêrek berî weşanê her şîroveyekê dixwîne.
guidelines-body = Şîroveyên li ser gotarê bi xêr hatin, rexneya avaker a li me jî. Em çêr, gef, êrîşa li ser kesan, gotinên bêedeb, heqaret (wek cudakariya zayendî, nijadperestî, homofobî an biyanîtirsî) û reklama bazirganî an kesane red dikin. Şîrove qet nayên guhertin: her yek bi tevahî tê pejirandin an redkirin.

## Sedema redkirinê: dawiya «Şîroveya te hat redkirin: …»

reason-profanity = çêr tê de hene
reason-vulgarity = gotinên bêedeb tê de hene
reason-threat = gef tê de heye
reason-personal_attack = êrîşî kesekî dike
reason-identity_abuse = ji ber nasnameya mirovan heqaretê li wan dike (wek cudakariya zayendî, nijadperestî, homofobî an biyanîtirsî)
reason-promotion = reklama bazirganî an kesane ye
reason-off_topic = ne li ser gotarê ye
reason-other = li gorî rêbazên civakê nîne

## Cureyên rêbazan wek çavdêr dibînin

category-profanity = çêr
category-vulgarity = bêedebî
category-threat = gef
category-personal_attack = êrîşa kesane
category-identity_abuse = heqareta nasnameyê
category-promotion = reklam
category-off_topic = derveyî mijarê
category-other = yên din
