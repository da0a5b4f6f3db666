# Rûkara çavdêran (pirsgirêka 12).
# Hemû pel hewceyî çavdêriya axêverekî zikmakî ye (needs native review).

console-title = Çavdêrî
console-tab-pending = Li benda biryarê
console-tab-approved = Pejirandî
console-tab-rejected = Redkirî
console-tab-log = Tomara biryaran
console-queues = Rêz
console-oldest-waits = Şîroveya herî kevn ji { $wait } ve li bendê ye
console-nothing-waits = Tiştek li bendê nîne
console-keys-button = Bişkok
console-keys-title = Klavye (?)
console-undo = Paşve bigire

## Parzûn

console-filter-article = Gotar
console-filter-language = Ziman
console-filter-category = Cure
console-filter-engine = Motora otomatîk
console-filter-all = Hemû
console-filter-engine-review = ji bo nirxandinê şandî
console-filter-engine-auto = bi serê xwe biryar da
console-filter-score-from = Puan ji
console-filter-score-to = heta
console-filter-author = Nivîskar
console-filter-author-hint = nav an e-peyam
console-filter-search = Lêgerîn
console-filter-submit = Parzûn bike
console-filter-clear = Paqij bike

## Tomara biryaran

console-log-when = Kengî
console-log-comment = Şîrove
console-log-who = Kî
console-log-decision = Biryar
console-log-note = Not
console-log-risk = Xeter
console-log-empty = Hêj tu biryar tune ne.
console-decision-approve = pejirandî
console-decision-reject = redkirî
console-decision-review = ji bo nirxandinê şandî
console-by-engine = motor
console-current = niha

## Biryarên bi hev re

console-selected = { $count } hilbijartî
console-bulk-guideline = Rêbaza ku şîroveyên hilbijartî binpê dikin
console-guideline-choose = Rêbaz…
console-approve-selected = Yên hilbijartî bipejirîne
console-reject-selected = Yên hilbijartî red bike
console-empty = Li vir tiştek tune ye.
console-next-page = Rûpela din

## Karta şîroveyê

console-select-comment = Şîroveya { $id } hilbijêre (x)
console-card-on = li ser
console-card-risk = xeter { $risk }
console-card-by = ji aliyê { $actor }
console-claimed-by = { $holder } li ser vê dixebite.
console-card-checking = Ji aliyê enkoderê ve tê kontrolkirin: dibe ku biryara wê hê were.
console-card-encoder-absent = Qonaxa enkoderê tune bû: tenê qonaxên bilez ev şîrove xwendin.
console-in-reply-to = Bersiva { $author }:
console-evidence = Delîl:
console-closest-paragraph = Paragrafa gotarê ya herî nêzîk:
console-alike = Yên wekhev li bendê: { $near } hema dubare · { $author } heman nivîskar · { $link } heman girêdan
console-select-alike = Hemû yên wekhev hilbijêre
console-author-history = Dîroka nivîskar: { $total } berê
console-author-rejected = %{ $percent } redkirî
console-no-history = Ji vê e-peyamê an navnîşanê tu şîroveya berê tune ye.
console-history-counts = { $approved } pejirandî, { $rejected } redkirî.
console-approve = Bipejirîne
console-reject = Red bike
console-history = Dîrok
console-history-overturn = Dîrok û guhertina biryarê
console-open-article = Gotarê veke

## Dîroka şîroveyê

console-history-title = Şîroveya { $id }: dîrok
console-history-heading = Şîroveya { $id }: hemû biryar
console-back-to-queue = ← Rêz
console-overturn-heading = Biryara nû (betalkirina ya berê)
console-reject-as = Red bike wek
console-note-why = Not (çima)
console-overturn-submit = Biryara nû tomar bike
console-overturn-kept = Biryarên berê di vê dîrokê de dimînin.
console-back = Vegere rêzê

## Nexşeya bişkokan

console-keys-next = şîroveya din / berê
console-keys-approve = bipejirîne
console-keys-reject = bi cureya motorê red bike
console-keys-reject-as = red bike wek çêr, bêedebî, gef, êrîşa kesane, heqareta nasnameyê, reklam, derveyî mijarê
console-keys-select = hilbijêre an hilbijartinê rake
console-keys-bulk = yên hilbijartî bipejirîne / red bike
console-keys-alike = hemû yên wekhev hilbijêre (hema dubare, heman nivîskar, heman girêdan)
console-keys-history = dîroka nivîskar
console-keys-open = gotarê veke
console-keys-undo = biryara xwe ya dawî paşve bigire (di nav 10 çirkeyan de)
console-keys-search = lêgerîn
console-keys-map = ev nexşe; Esc wê digire
console-keys-close = Bigire

## Agahdarî

console-decided = Li ser şîroveya { $id } biryar hat dayîn.
console-undone = Biryara li ser şîroveya { $id } hat paşvekirin: dîsa di rêzê de li bendê ye.
console-overturned = Li ser şîroveya { $id } biryareke nû hat dayîn; biryarên wê yên berê di dîroka wê de dimînin.
console-note-required = Ji bo guhertina biryarê notek lazim e ku sedemê bibêje.
console-no-selection = Pêşî herî kêm şîroveyekê hilbijêre.
console-bulk-decided = li ser { $count } biryar hat dayîn
console-bulk-already = { $count } di wê navberê de biryar wergirtibûn (wek xwe man)
console-bulk-claimed = { $count } ji aliyê çavdêrekî din ve tên girtin
console-bulk-missing = { $count } nehatin dîtin
console-wait-under-minute = kêmtir ji deqîqeyekê
console-wait-minutes = { $minutes } deq
console-wait-hours = { $hours } st { $minutes } deq
console-wait-days = { $days } roj

## Peyamên skrîptê

console-msg-already-decided = Di wê navberê de çavdêrekî din li ser vê şîroveyê biryar da; tiştek nehat guhertin. Ji bo guhertina wê biryarê dîroka wê veke.
console-msg-claimed-by-other = Çavdêrekî din li ser vê şîroveyê dixebite; heta ku dema girtina wî biqede biryar a wî ye.
console-msg-not-found = Ev şîrove êdî tune ye.
console-msg-choose-category = Pêşî rêbaza ku binpê dike hilbijêre (bişkokên 1–7).
console-msg-no-selection = Pêşî şîroveyan hilbijêre (x, an s ji bo hemû yên wekhev).
console-msg-nothing-to-undo = Tiştek ji bo paşvekirinê tune ye: tenê biryara te ya dawî, di nav 10 çirkeyan de.
console-msg-undo-expired = Ji bo paşvekirinê dereng e; li şûna wê ji dîroka wê biryarê biguherîne.
console-msg-undone = Hat paşvekirin: şîrove dîsa di rêzê de li bendê ye.
console-msg-decided = Biryar hat dayîn. Ji bo paşvekirinê di nav 10 çirkeyan de u bitikîne.
console-msg-failed = Ev nexebitî; rûpelê nû bike û dîsa biceribîne.
console-msg-decided-meanwhile = Di wê navberê de { $actor } li ser vê şîroveyê biryar da ({ $decision }).
console-msg-new-comments = { $n } şîroveyên nû li bendê ne: ji bo dîtinê nû bike.
console-msg-bulk-done = Li ser { $decided } biryar hat dayîn, { $refused } wek xwe man.

## Labels, statuses and the form's expiry

# The engine explains itself in English only; the label says so.
console-engine-reasons = Sedemên motora otomatîk (bi Îngilîzî):
console-guideline-broken = Rêbaza binpêkirî
console-note-optional = Not (ne mecbûrî ye)
console-form-expired = Dema vê formê derbas bûye. Rêzê nû bike û dîsa biryarê bide.
console-status-pending = li benda biryarê
console-status-approved = pejirandî
console-status-rejected = redkirî
console-bulk-summary = { $parts }.
console-list-separator = {", "}
console-keys-heading = Klavye
