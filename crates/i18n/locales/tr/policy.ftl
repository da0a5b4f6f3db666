# Topluluk kuralları ve yazarın okuduğu ret gerekçeleri: yayıncının ilkesinin anlamıyla.

guidelines-lead = Her yorum yayımlanmadan önce bir moderatör tarafından okunur.
guidelines-body = Haberle ilgili yorumlar ve bize yönelik yapıcı eleştiriler memnuniyetle karşılanır. Küfür, tehdit, kişilere saldırı, müstehcenlik, nefret söylemi (cinsiyetçilik, ırkçılık, homofobi ya da yabancı düşmanlığı gibi) ve ticari ya da kişisel tanıtım içeren yorumları reddederiz. Yorumlar asla düzenlenmez: her yorum bütünüyle onaylanır ya da reddedilir.

## Ret gerekçesi: «Yorumunuz reddedildi: …» cümlesini tamamlar

reason-profanity = küfür içeriyor
reason-vulgarity = müstehcen ifadeler içeriyor
reason-threat = tehdit içeriyor
reason-personal_attack = bir kişiye saldırıyor
reason-identity_abuse = insanları kimlikleri nedeniyle aşağılıyor (cinsiyetçilik, ırkçılık, homofobi ya da yabancı düşmanlığı gibi)
reason-promotion = ticari ya da kişisel tanıtım içeriyor
reason-off_topic = haberle ilgili değil
reason-other = topluluk kurallarına uymuyor

## Moderatörlerin gördüğü kural kategorileri

category-profanity = küfür
category-vulgarity = müstehcenlik
category-threat = tehdit
category-personal_attack = kişisel saldırı
category-identity_abuse = kimliğe yönelik nefret
category-promotion = tanıtım
category-off_topic = konu dışı
category-other = diğer
