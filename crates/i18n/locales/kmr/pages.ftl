# Rûpelên Tribune bi Kurdiya Bakur (Kurmancî, tîpên latînî).
# Hemû pel hewceyî çavdêriya axêverekî zikmakî ye (needs native review).

## Çarçoveya her rûpelî

nav-articles = Gotar
nav-queue = Rêza çavdêriyê
nav-login = Têketina çavdêran
nav-logout = Derkeve
nav-language = Ziman
time-utc = { $time } (UTC)

## Rûpela destpêkê

index-title = Gotar
index-empty = Hêj tu gotar tune ne. Edîtorek dikare bi fermana { $command } gotaran bîne.
index-comment-count =
    { $count ->
        [one] { $count } şîrove
       *[other] { $count } şîrove
    }

## Gotar û beşa şîroveyan

article-comments-heading = Şîrove ({ $count })
article-no-comments = Hêj tu şîroveyeke weşandî tune ye.
article-reply = Bersiv bide
article-post-heading = Şîroveyekê binivîse
article-replying-to = Bersiva { $author }.
article-cancel-reply = Betal bike
article-name = Nav
article-email = E-peyam
article-email-hint = (ne mecbûrî ye, qet nayê nîşandan)
article-comment = Şîrove
article-submit = Şîroveyê bişîne
article-closed = Şîrove li ser vê gotarê girtî ne.

## Rûpela rewşa şîroveyê ji bo nivîskarê wê

status-title = Şîroveya te
status-article = Li ser gotara
status-pending = Spas. Şîroveya te li benda çavdêriyê ye.
status-pending-explained = Çavdêrek berî weşanê her şîroveyekê dixwîne. Ev gerok dê encamê li ser vê rûpelê nîşanî te bide. Ji bo ku paşê ji cihekî din bibînî, vê girêdana taybet biparêze (tenê ya te ye; bi kesî re parve neke):
status-checking = Spas. Şîroveya te tê kontrolkirin; encam dê li ser vê rûpelê xuya bibe.
status-approved = Şîroveya te hat pejirandin û di binê gotarê de hatiye weşandin.
status-rejected = Şîroveya te hat redkirin: { $reason }.
status-rejected-no-reason = Şîroveya te hat redkirin.
status-never-edited = Şîrove qet nayên guhertin: her yek bi tevahî tê pejirandin an redkirin. Tu dikarî şîroveyeke nû ya li gorî rêbazan binivîsî.
status-open-explained = Ev rûpel rewşa şîroveyekê nîşanî nivîskarê wê dide. Girêdana taybet a ku dema şandinê wergirtî veke, an jî beşa piştî { $marker } li vir bi cih bike.
status-token-label = Koda girêdana taybet
status-open-submit = Şîroveya min nîşan bide
status-form-expired = Dema vê formê derbas bûye. Girêdana xwe ya taybet dîsa veke.
status-wrong-token = Ev ne girêdana taybet a vê şîroveyê ye.

## Têketin

login-title = Têketin
login-heading = Têketina çavdêran
login-username = Navê bikarhêner
login-password = Şîfre
login-submit = Têkeve
login-form-expired = Dema vê formê derbas bûye. Ji kerema xwe dîsa biceribîne.
login-bad-credentials = Navê bikarhêner nenas e an şîfre şaş e.

## Rêza çavdêriyê


## Rûpelên şaşiyan

error-page-not-found = Nehat dîtin
error-page-forbidden = Destûr tune ye
error-page-conflict = Niha ne gengaz e
error-page-too-many = Hêdîtir
error-page-unavailable = Em ê di demeke kurt de vegerin
error-page-timeout = Daxwaz pir dirêj kişand
error-page-server = Tiştek xelet çû
error-page-bad-request = Di daxwazê de pirsgirêkek heye
error-page-no-such-page = Li vê navnîşanê tu rûpel tune ye.
error-page-failed = Pêşkêşkar nikarî vê rûpelê nîşan bide; şaşî hat tomarkirin.
error-page-back = Vegere gotaran

## Formên ku dema wan derbas bûye

article-form-expired = Dema vê formê derbas bûye. Vegere, rûpelê nû bike û şîroveya xwe dîsa bişîne.
logout-form-expired = Dema vê formê derbas bûye, ji ber vê yekê tu hêj têketî yî. Rûpelê nû bike û dîsa derkeve.
