# Tiştê ku kesek dixwîne dema daxwaza wî tê redkirin.
# Hewceyî çavdêriya axêverekî zikmakî ye (needs native review).

field-author_name = nav
field-author_email = e-peyam
field-body = nivîsa şîroveyê
field-note = not
field-username = navê bikarhêner
field-slug = navnîşan
field-token = koda girêdana taybet

error-name_required = ji kerema xwe navekî ji bo weşandinê binivîse
error-name_too_long = nav herî zêde dikare { $limit } tîp be
error-bidi_control = { $field }: nîşana kontrola arasteyê { $character } tê de heye, ku rêza nivîsa piştî navê diguherîne; jê bibe
error-control_character = { $field }: nîşana kontrolê { $character } li tîpa { $position } heye; jê bibe
error-bad_email = ev wek navnîşana e-peyamê xuya nake
error-empty_body = şîrove vala ye
error-body_too_long = şîrove { $length } tîp e; sînor { $limit } e
error-note_too_long = not herî zêde dikare { $limit } tîp be
error-username_too_long = { $field }: ji her navê bikarhêner dirêjtir e
error-unknown_parent = şîroveya ku tu bersiv didî tune ye
error-comments_closed = şîrove li ser vê gotarê girtî ne
error-unknown_article = gotareke wisa tune ye
error-unknown_comment = şîroveyeke wisa tune ye
error-bad_token = ev ne girêdana taybet a vê şîroveyê ye
error-malformed_form = form nehat xwendin
error-bad_csrf = Dema vê formê derbas bûye. Vegere, rûpelê nû bike û dîsa biceribîne.
error-forbidden = Ev rûpel ji bo çavdêran e.
error-rate_limited = ji navnîşana te gelek daxwaz hatin; piştî { $seconds } çirkeyan dîsa biceribîne
error-login_throttled = van demên dawî li ser vî hesabî gelek têketinên têkçûyî çêbûn; ji gerokekî ku berê tê de têketî tu niha dikarî têkevî, wekî din piştî { $seconds } çirkeyan biceribîne
error-busy = pêşkêşkar mijûl e; piştî demekê dîsa biceribîne
error-database_unavailable = danegeh ji bo demeke kurt ne amade ye; piştî demekê biceribîne (şîroveya te du caran nayê tomarkirin)
error-idempotency_key_reused = ev form ji bo şîroveyeke din hat bikaranîn; ji bo şîroveyeke nû rûpelê nû bike
error-already_decided = berê li ser vê şîroveyê biryar hatiye dayîn
error-claimed_by_other = çavdêrekî din li ser vê şîroveyê biryarê dide
error-bad_decision = pejirandin an redkirinê hilbijêre
error-category_required = ji bo redkirinê rêbaza binpêkirî lazim e
error-bad_category = ev ne cureyekî rêbazan e
error-unauthenticated = pêşî têkeve
error-internal = pêşkêşkar nikarî daxwazê temam bike; şaşî hat tomarkirin
error-request_timeout = daxwaz pir dirêj kişand; dîsa biceribîne
error-body_too_large = daxwaz pir mezin e
error-overloaded = pêşkêşkar gihîşt sînorê xwe; piştî demekê biceribîne
error-unknown_route = li vê navnîşanê tu rûpel tune ye
error-method_not_allowed = ev navnîşan vî cureyê daxwazê qebûl nake
error-bad_request = daxwaz nehat fêmkirin

## The moderators' console

error-nothing_to_undo = Tiştek ji bo paşvekirinê tune ye: tenê biryara te ya dawî, di nav 10 çirkeyan de.
error-undo_expired = Ji bo paşvekirinê dereng e; li şûna wê ji dîroka wê biryarê biguherîne.
error-note_required = Ji bo guhertina biryarê notek lazim e ku sedemê bibêje.
error-no_selection = Pêşî herî kêm şîroveyekê hilbijêre.
error-bad_ids = Hejmarên şîroveyan hejmarên tam in.
error-bad_score = Pûan hejmarek ji 0 heta 1 e.
error-bad_queue = Rêz yek ji van e: li benda biryarê, pejirandî, redkirî, tomara biryaran.
error-bad_lang = Zimanekî nenas.
error-bad_engine = Parzûna motorê an «ji bo venêrînê şandî» ye an «bi tena serê xwe biryar da».
error-bad_cursor = Navnîşana vê rûpelê ne derbasdar e; ji rêzê ve ji nû ve dest pê bike.
