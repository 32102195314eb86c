// Sagsflow web pages: front desk, worklist, case page, admin, citizen.
// Plain JavaScript served by the Sagsflow server (no build step). Every rule
// is the server's: the pages only show what the API answers, including its
// refusals (application/problem+json).
'use strict';

const TEXT = {
  da: {
    skip: 'Spring til indhold', signout: 'Log ud', loading: 'Henter…', lang: 'English',
    signin: 'Log ind', signin_help: 'Indsæt det token, din administrator har udstedt (sagsflow token issue).',
    signin_mitid: 'Log ind med MitID', signin_staff: 'Log ind som medarbejder',
    signin_choose: 'Borgere logger ind med MitID; kommunens medarbejdere med deres arbejdskonto.',
    signin_token: 'Log ind med token (integrationer og scripts)',
    token: 'Token', frontdesk: 'Borgerservice', worklist: 'Arbejdsliste', admin: 'Administration', mycases: 'Mine sager',
    channel: 'Kanal', area: 'Område', service: 'Ydelse', citizen: 'Borgerens CPR-nummer', situation: 'Livssituation',
    none: '(ingen)', with_form: 'Blanket medbragt', outcome: 'Hvad fik borgeren at vide', register_resolved: 'Registrér: løst ved første kontakt',
    register_only: 'Registrér henvendelsen', open_case: 'Opret sag', what_we_may: 'Hvad centret må for dette område',
    allowed: 'Må', refused: 'Må ikke', acting_for: 'Handler for', decided_by: 'Afgøres af', registered: 'Henvendelse registreret',
    list_cut: 'Listen fortsætter: de ældste sager vises først.', more_cases: 'Flere sager',
    case_opened: 'Sag oprettet', go_to_case: 'Åbn sagen', unit_queue: 'Enhedens kø', my_claimed: 'Mine sager (taget)',
    case_no: 'Sagsnr.', title: 'Titel', stage: 'Trin', due: 'Frist', assignee: 'Tildelt', claim: 'Tag sagen', release: 'Læg tilbage',
    ask_citizen: 'Bed borgeren om', other_kind: 'Andet',
    fields: 'Oplysninger', missing: 'Mangler fra borgeren', deadlines: 'Frister', history: 'Historik', actions: 'Handlinger',
    no_actions: 'Du kan ikke tage nogen handling på sagen i dette trin.', note: 'Notat', attachments: 'Bilag modtaget',
    documents: 'Dokumenter', add_document: 'Tilføj dokument', doc_kind: 'Slags', doc_file: 'Fil', download: 'Hent', size: 'Størrelse',
    added: 'Tilføjet', no_documents: 'Ingen dokumenter.',
    letters: 'Breve', no_letters: 'Ingen breve.', letter_kind: 'Brev', letter_state: 'Forsendelse', letter_channel: 'Kanal',
    attempts: 'Forsøg', receipt: 'Kvittering', delivered: 'Sendt', letter_incident: 'Fejl ved forsendelse',
    letter_incidents: 'Breve der ikke er kommet frem', no_letter_incidents: 'Alle breve er kommet frem eller venter på deres første forsøg.', retry: 'Prøv igen nu',
    kind_receipt: 'Kvittering', kind_missing_items: 'Anmodning om oplysninger', kind_decision: 'Afgørelse',
    kind_forwarding: 'Videresendelse', kind_delay: 'Forsinkelse', kind_access_extension: 'Aktindsigt: forlænget frist',
    kind_access_decision: 'Afgørelse om aktindsigt', kind_hearing: 'Partshøring', kind_message: 'Brev',
    kind_appointment_confirmation: 'Bekræftelse af tid', kind_appointment_reminder: 'Påmindelse om tid',
    kind_appointment_cancelled: 'Aflysning af tid', appointment_no: 'Tid nr.',
    state_queued: 'venter', state_delivered: 'sendt', state_failed: 'mislykket', state_withdrawn: 'trukket tilbage',
    channel_digital_post: 'Digital Post', channel_print: 'fysisk post',
    do_action: 'Udfør', queue: 'Venter hos', status: 'Status', owner: 'Myndighed', opened: 'Oprettet', when: 'Hvornår', who: 'Hvem',
    what: 'Hvad', plugins: 'Installerede plugins', workflows: 'Arbejdsgange og versioner', model: 'Organiseringsmodel',
    responsibilities: 'Ansvar pr. opgave', audit: 'Adgangslog (personoplysninger)', version: 'Version', loaded: 'Indlæst',
    task: 'Opgave', rules: 'Faglige regler', daily: 'Daglig drift', purpose: 'Formål', next_deadline: 'Næste frist',
    place: 'Plads i køen', who_looked: 'Hvem har set sagen', no_cases: 'Ingen sager.', of: 'af', yes: 'ja', no: 'nej',
    deployed: 'Udrullet', enabled: 'Aktiv', gaps: 'Huller i opsætningen', error: 'Fejl', field: 'Felt', sent: 'Gemt',
    triage: 'Visitation', reads: 'Opslag', expired: 'Dit token er udløbet eller ugyldigt. Log ind igen.',
    forbidden_page: 'Denne side er ikke for dig.', value: 'Værdi', breached: 'overskredet', paused: 'standset',
    information: 'Borgeren blev oplyst om', opened_cases: 'Oprettede sager', skipped: 'Ikke oprettet',
    simulate: 'Simulér et år (profil)', profile_file: 'Profilens YAML-fil', scale: 'Andel af årets volumen', start_simulation: 'Start simulering',
    kle_import: 'Importér KLE-emneplan', kle_file: 'Emneplanens XML-fil', start_import: 'Start import',
    subjects: 'emner', warnings: 'Advarsler',
    reports: 'Rapporter', from: 'Fra', to: 'Til (ekskl.)', bucket: 'Periode', month: 'Måned', week: 'Uge',
    shift: 'Kanalskift (fra:til:andel)', show: 'Vis', mix: 'Kanalfordeling over tid', rate_vs_target: 'Selvbetjeningsgrad og digital andel mod målet',
    inquiries: 'Henvendelser', share: 'Andel', cost: 'Omkostning (kr)', source: 'Kilde', target: 'Mål', actual: 'Faktisk',
    self_service_rate: 'Selvbetjeningsgrad', first_contact: 'Løst ved første kontakt', digital_share: 'Digital andel',
    digital_written: 'Digital andel af skriftlig kommunikation', other_authorities: 'For andre myndigheder', forwarded: 'Videresendt',
    kept: 'Frister overholdt', backlog: 'Sager i kø', saving: 'Besparelse', csv: 'Hent CSV', total: 'I alt',
    goals: 'Servicemål', goal: 'Mål', measured: 'Målt', met: 'Opfyldt', not_measured: 'Ikke målt', goal_met: 'opfyldt',
    goal_not_met: 'ikke opfyldt', path: 'Digital andel mod målsætningen', target_by: 'Mål senest', komhen: 'Henvendelser efter kanal og type (KOMHEN)',
    hour_profile: 'Henvendelser efter time og ugedag (dansk tid)', hour: 'Time', area_strategy: 'Kanalstrategi pr. område',
    primary: 'Primær kanal', primary_share: 'Andel via primær kanal', weekdays: ['Man', 'Tir', 'Ons', 'Tor', 'Fre', 'Lør', 'Søn'],
  },
  en: {
    skip: 'Skip to content', signout: 'Sign out', loading: 'Loading…', lang: 'Dansk',
    signin: 'Sign in', signin_help: 'Paste the token your administrator issued (sagsflow token issue).',
    signin_mitid: 'Sign in with MitID', signin_staff: 'Sign in as staff',
    signin_choose: 'Citizens sign in with MitID; municipal staff with their work account.',
    signin_token: 'Sign in with a token (integrations and scripts)',
    token: 'Token', frontdesk: 'Front desk', worklist: 'Worklist', admin: 'Administration', mycases: 'My cases',
    channel: 'Channel', area: 'Area', service: 'Service', citizen: "Citizen's CPR number", situation: 'Life situation',
    none: '(none)', with_form: 'Form brought', outcome: 'What the citizen was told', register_resolved: 'Register: resolved at first contact',
    register_only: 'Register the inquiry', open_case: 'Open a case', what_we_may: 'What the centre may do for this area',
    allowed: 'May', refused: 'May not', acting_for: 'Acting for', decided_by: 'Decided by', registered: 'Inquiry registered',
    list_cut: 'The list goes on: the oldest cases come first.', more_cases: 'More cases',
    case_opened: 'Case opened', go_to_case: 'Open the case', unit_queue: "The unit's queue", my_claimed: 'My claimed cases',
    case_no: 'Case no.', title: 'Title', stage: 'Stage', due: 'Due', assignee: 'Assigned', claim: 'Claim', release: 'Release',
    ask_citizen: 'Ask the citizen for', other_kind: 'Other',
    fields: 'Details', missing: 'Awaited from the citizen', deadlines: 'Deadlines', history: 'History', actions: 'Actions',
    no_actions: 'You cannot take any action on this case at this stage.', note: 'Note', attachments: 'Attachments received',
    documents: 'Documents', add_document: 'Add document', doc_kind: 'Kind', doc_file: 'File', download: 'Download', size: 'Size',
    added: 'Added', no_documents: 'No documents.',
    letters: 'Letters', no_letters: 'No letters.', letter_kind: 'Letter', letter_state: 'Delivery', letter_channel: 'Channel',
    attempts: 'Attempts', receipt: 'Receipt', delivered: 'Delivered', letter_incident: 'Delivery problem',
    letter_incidents: 'Letters that did not get through', no_letter_incidents: 'Every letter got through or waits for its first attempt.', retry: 'Try again now',
    kind_receipt: 'Receipt', kind_missing_items: 'Request for information', kind_decision: 'Decision',
    kind_forwarding: 'Forwarding notice', kind_delay: 'Delay notice', kind_access_extension: 'Access request: extension',
    kind_access_decision: 'Access request decision', kind_hearing: 'Hearing', kind_message: 'Letter',
    kind_appointment_confirmation: 'Appointment confirmation', kind_appointment_reminder: 'Appointment reminder',
    kind_appointment_cancelled: 'Appointment cancelled', appointment_no: 'Appointment no.',
    state_queued: 'waiting', state_delivered: 'delivered', state_failed: 'failed', state_withdrawn: 'withdrawn',
    channel_digital_post: 'Digital Post', channel_print: 'physical post',
    do_action: 'Do', queue: 'Waiting at', status: 'Status', owner: 'Authority', opened: 'Opened', when: 'When', who: 'Who',
    what: 'What', plugins: 'Installed plugins', workflows: 'Workflows and versions', model: 'Organisational model',
    responsibilities: 'Responsibility per task', audit: 'Access log (personal data)', version: 'Version', loaded: 'Loaded',
    task: 'Task', rules: 'Professional rules', daily: 'Daily operations', purpose: 'Purpose', next_deadline: 'Next deadline',
    place: 'Place in the queue', who_looked: 'Who looked at the case', no_cases: 'No cases.', of: 'of', yes: 'yes', no: 'no',
    deployed: 'Deployed', enabled: 'Enabled', gaps: 'Gaps in the configuration', error: 'Error', field: 'Field', sent: 'Saved',
    triage: 'Triage', reads: 'Reads', expired: 'Your token has expired or is invalid. Sign in again.',
    forbidden_page: 'This page is not for you.', value: 'Value', breached: 'breached', paused: 'paused',
    information: 'The citizen was told about', opened_cases: 'Cases opened', skipped: 'Not opened',
    simulate: 'Simulate a year (profile)', profile_file: "The profile's YAML file", scale: "Share of the year's volume", start_simulation: 'Start the simulation',
    kle_import: 'Import the KLE emneplan', kle_file: "The emneplan's XML file", start_import: 'Start the import',
    subjects: 'subjects', warnings: 'Warnings',
    reports: 'Reports', from: 'From', to: 'To (excl.)', bucket: 'Period', month: 'Month', week: 'Week',
    shift: 'Channel shift (from:to:share)', show: 'Show', mix: 'Channel mix over time', rate_vs_target: 'Self-service rate and digital share against the target',
    inquiries: 'Inquiries', share: 'Share', cost: 'Cost (kr)', source: 'Source', target: 'Target', actual: 'Actual',
    self_service_rate: 'Self-service rate', first_contact: 'Resolved at first contact', digital_share: 'Digital share',
    digital_written: 'Digital share of written communication', other_authorities: 'For other authorities', forwarded: 'Forwarded',
    kept: 'Deadlines kept', backlog: 'Cases waiting', saving: 'Saving', csv: 'Download CSV', total: 'Total',
    goals: 'Service goals', goal: 'Goal', measured: 'Measured', met: 'Met', not_measured: 'Not measured', goal_met: 'met',
    goal_not_met: 'not met', path: 'Digital share against the target path', target_by: 'Target by', komhen: 'Inquiries by channel and type (KOMHEN)',
    hour_profile: 'Inquiries by hour and weekday (Danish time)', hour: 'Hour', area_strategy: 'Channel strategy per area',
    primary: 'Primary channel', primary_share: 'Share through the primary channel', weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  },
};

// Words for the API's stable keys (statuses, generic stage and action names,
// the front desk's service keys, inquiry types, tasks, organisational models,
// the problem codes of application/problem+json). A stage or field the API
// gives a title or label for is shown by that; these are the fallbacks.
const WORDS = {
  da: {
    status_open: 'Åben', status_closed: 'Afsluttet',
    stage_receipt: 'Modtagelse', stage_check: 'Kontrol', stage_decision: 'Afgørelse', stage_complaint_window: 'Klagefristen løber',
    stage_reconsideration: 'Genvurdering', stage_appeals: 'Klagen er sendt til klageinstansen', stage_forward: 'Videresendelse',
    stage_forward_to_police: 'Videresendelse til politiet', stage_registration: 'Registrering', stage_closed: 'Afsluttet',
    stage_complaint: 'Klage', stage_referral: 'Videresendt til klageinstansen',
    action_open: 'Sagen er oprettet', action_register: 'Registreret', action_request_missing: 'Borgeren er bedt om det manglende',
    action_missing_received: 'Det manglende er modtaget', action_missing_answered: 'Borgeren har sendt det manglende',
    action_complete: 'Komplet', action_grant: 'Bevilget', action_partly_grant: 'Delvist bevilget', action_refuse: 'Afslået',
    action_issue: 'Udstedt', action_forward: 'Videresendt', action_forward_for_check: 'Sendt til kontrol og afgørelse',
    action_register_move: 'Flytningen er registreret i CPR', action_reject_photo: 'Fotoet er afvist', action_extend: 'Fristen er forlænget',
    action_complain: 'Klage modtaget', action_complaint: 'Klage modtaget', action_close: 'Afsluttet', action_change_decision: 'Borgeren har fået medhold',
    action_uphold: 'Afgørelsen er fastholdt, klagen sendt videre', action_appeal_decided: 'Klageinstansens afgørelse er modtaget',
    action_claim: 'Taget', action_release: 'Lagt tilbage', action_reassign: 'Flyttet til en anden', action_withdraw: 'Trukket tilbage',
    action_hearing_reply: 'Borgerens bemærkninger til partshøringen',
    action_claimed: 'Taget', action_released: 'Lagt tilbage', action_reassigned: 'Flyttet til en anden', action_assigned: 'Tildelt',
    action_document_added: 'Dokument tilføjet', action_hearing_started: 'Partshøring startet', action_hearing_ended: 'Partshøring afsluttet',
    action_hearing_not_needed: 'Partshøring ikke nødvendig', action_deadline_passed: 'Fristen er overskredet', action_escalated: 'Eskaleret',
    action_complaint_received: 'Klage modtaget', action_letter_queued: 'Brev sat i kø', action_letter_failed: 'Brev kunne ikke sendes',
    action_forwarded: 'Videresendt', action_withdrawn: 'Trukket tilbage', action_closed: 'Afsluttet',
    service_signpost: 'Henvise borgeren videre', service_hand_out_form: 'Udlevere blanket og information',
    service_help_fill_in: 'Hjælpe med at udfylde (selvbetjening)', service_receive_and_forward: 'Modtage ansøgning og sende videre',
    service_general_guidance: 'Generel vejledning', service_concrete_guidance: 'Konkret vejledning',
    service_employment_guidance: 'Beskæftigelsesvejledning', service_register_move: 'Registrere flytning i CPR',
    service_draft_decision: 'Udkast til afgørelse', service_decide: 'Afgøre sagen',
    type_general_information: 'Generel information', type_case_information: 'Information om egen sag', type_transaction: 'Ekspedition',
    task_receive: 'Modtagelse', task_check: 'Kontrol', task_decide: 'Afgørelse', task_forward: 'Videresendelse', task_complaint: 'Klage',
    model_supermarket: 'Supermarkedsmodellen', model_cooperation: 'Samarbejdsmodellen', model_limited_market_square: 'Begrænset markedsplads',
    model_hybrid: 'Hybridmodellen', model_full_market_square: 'Fuld markedsplads',
    // Fields the workflows ask for that no service form labels (listed as an API gap).
    field_reasons: 'Begrundelse', field_extension_reason: 'Begrundelse for forlængelsen', field_expected_date: 'Forventet dato',
    field_citizen_cpr: 'Borgerens CPR-nummer', field_cpr: 'Borgerens CPR-nummer', field_area: 'Område', field_service: 'Ydelse',
    field_channel: 'Kanal', field_life_situation: 'Livssituation', field_type: 'Henvendelsens art', field_reason: 'Begrundelse',
    field_starts_at: 'Tidspunkt', field_deadline: 'Frist', field_desk: 'Skranke', field_outcome: 'Hvad fik borgeren at vide',
    field_expected_version: 'Sagens version', 'field_open_case.workflow': 'Arbejdsgang',
    problem_invalid_argument: 'En oplysning kan ikke bruges. Ret den, og prøv igen.',
    problem_not_found: 'Det findes ikke, eller du har ikke adgang til det.',
    problem_already_exists: 'Det findes allerede.',
    problem_conflict: 'Sagen er ændret i mellemtiden. Hent siden igen, og prøv på ny.',
    problem_failed_precondition: 'Det kan ikke lade sig gøre, som sagen står nu.',
    problem_guard_failed: 'Arbejdsgangens regler tillader ikke handlingen endnu.',
    problem_forbidden: 'Du har ikke lov til dette.',
    problem_schema_too_new: 'Systemet er ved at blive opdateret. Prøv igen senere.',
    problem_storage: 'Databasen kan ikke nås lige nu. Prøv igen om lidt.',
    problem_plugin_failed: 'Et fagsystem svarede ikke. Handlingen er ikke udført.',
    problem_internal: 'Der skete en fejl i systemet. Handlingen er ikke udført.',
    problem_invalid_idempotency_key: 'Forespørgslen kunne ikke genkendes. Prøv igen.',
    problem_idempotency_key_reused: 'Forespørgslen er allerede sendt med et andet indhold. Intet er oprettet.',
    problem_idempotency_key_in_use: 'Forespørgslen behandles stadig. Vent et øjeblik, og prøv igen.',
    problem_no_such_route: 'Adressen findes ikke.', problem_method_not_allowed: 'Det kan ikke gøres her.',
    problem_unauthenticated: 'Du er ikke logget ind.', problem_invalid_token: 'Dit login er ugyldigt eller udløbet. Log ind igen.',
    problem_invalid_session: 'Du er blevet logget ud. Log ind igen.',
    problem_csrf_refused: 'Forespørgslen blev afvist af sikkerhedshensyn. Hent siden igen.',
    problem_rate_limited: 'Der er sendt for mange forespørgsler. Vent lidt, og prøv igen.',
    problem_body_too_large: 'Det sendte er for stort.', problem_unsupported_media_type: 'Det sendte har et format, der ikke kan bruges.',
    problem_malformed_body: 'Det sendte kunne ikke læses.', problem_malformed_uri: 'Adressen kunne ikke læses.',
    problem_malformed_request: 'Forespørgslen kunne ikke læses.', problem_bad_framing: 'Forespørgslen kunne ikke læses.',
    problem_uri_too_long: 'Adressen er for lang.', problem_headers_too_large: 'Forespørgslen er for stor.',
    problem_busy: 'Systemet har travlt. Prøv igen om lidt.', problem_job_failed: 'Kørslen mislykkedes.',
    problem_status_400: 'En oplysning kan ikke bruges.', problem_status_401: 'Du er ikke logget ind.',
    problem_status_403: 'Du har ikke lov til dette.', problem_status_404: 'Det findes ikke.', problem_status_409: 'Det strider mod sagens tilstand.',
    problem_status_422: 'Det kan ikke lade sig gøre endnu.', problem_status_500: 'Der skete en fejl i systemet.',
    problem_status_503: 'Systemet kan ikke svare lige nu. Prøv igen senere.', problem_other: 'Det lykkedes ikke.',
    server_says: 'Serverens besked', problem_field: 'Gælder',
    purpose_case: 'Sagen', purpose_history: 'Sagens historik', purpose_attachments: 'Bilag', purpose_document: 'Et dokument',
    purpose_list: 'En liste over sager', purpose_worklist: 'Arbejdsliste', purpose_inquiries: 'Henvendelser', purpose_letters: 'Breve',
    purpose_search: 'Søgning', 'purpose_search by CPR number': 'Søgning på CPR-nummer', purpose_answer: 'Svar på en ændring',
    via_api: 'web/API', via_cli: 'kommandolinjen', workflow_title: 'Titel',
  },
  en: {
    status_open: 'Open', status_closed: 'Closed',
    stage_receipt: 'Receipt', stage_check: 'Check', stage_decision: 'Decision', stage_complaint_window: 'Complaint period running',
    stage_reconsideration: 'Reconsideration', stage_appeals: 'Sent to the appeals body', stage_forward: 'Forwarding',
    stage_forward_to_police: 'Forwarding to the police', stage_registration: 'Registration', stage_closed: 'Closed',
    stage_complaint: 'Complaint', stage_referral: 'Referred to the appeals body',
    action_open: 'Case opened', action_register: 'Registered', action_request_missing: 'Citizen asked for what is missing',
    action_missing_received: 'What was missing is received', action_missing_answered: 'The citizen sent what was missing',
    action_complete: 'Complete', action_grant: 'Granted', action_partly_grant: 'Partly granted', action_refuse: 'Refused',
    action_issue: 'Issued', action_forward: 'Forwarded', action_forward_for_check: 'Sent for check and decision',
    action_register_move: 'Move registered in CPR', action_reject_photo: 'Photo rejected', action_extend: 'Deadline extended',
    action_complain: 'Complaint received', action_complaint: 'Complaint received', action_close: 'Closed', action_change_decision: 'Decision changed in the citizen\'s favour',
    action_uphold: 'Decision upheld, complaint sent on', action_appeal_decided: 'Appeals body\'s decision received',
    action_claim: 'Claimed', action_release: 'Released', action_reassign: 'Reassigned', action_withdraw: 'Withdrawn',
    action_hearing_reply: 'The citizen\'s comments on the hearing',
    action_claimed: 'Claimed', action_released: 'Released', action_reassigned: 'Reassigned', action_assigned: 'Assigned',
    action_document_added: 'Document added', action_hearing_started: 'Hearing started', action_hearing_ended: 'Hearing ended',
    action_hearing_not_needed: 'No hearing needed', action_deadline_passed: 'Deadline passed', action_escalated: 'Escalated',
    action_complaint_received: 'Complaint received', action_letter_queued: 'Letter queued', action_letter_failed: 'Letter could not be sent',
    action_forwarded: 'Forwarded', action_withdrawn: 'Withdrawn', action_closed: 'Closed',
    service_signpost: 'Signpost the citizen', service_hand_out_form: 'Hand out forms and information',
    service_help_fill_in: 'Help fill in (self-service)', service_receive_and_forward: 'Receive the application and forward it',
    service_general_guidance: 'General guidance', service_concrete_guidance: 'Concrete guidance',
    service_employment_guidance: 'Employment guidance', service_register_move: 'Register a move in CPR',
    service_draft_decision: 'Draft a decision', service_decide: 'Decide the case',
    type_general_information: 'General information', type_case_information: 'Information on own case', type_transaction: 'Transaction',
    task_receive: 'Receipt', task_check: 'Check', task_decide: 'Decision', task_forward: 'Forwarding', task_complaint: 'Complaint',
    model_supermarket: 'Supermarket model', model_cooperation: 'Cooperation model', model_limited_market_square: 'Limited market square',
    model_hybrid: 'Hybrid model', model_full_market_square: 'Full market square',
    field_reasons: 'Reasons', field_extension_reason: 'Reason for the extension', field_expected_date: 'Expected date',
    field_citizen_cpr: "Citizen's CPR number", field_cpr: "Citizen's CPR number", field_area: 'Area', field_service: 'Service',
    field_channel: 'Channel', field_life_situation: 'Life situation', field_type: 'Kind of inquiry', field_reason: 'Reason',
    field_starts_at: 'Time', field_deadline: 'Deadline', field_desk: 'Desk', field_outcome: 'What the citizen was told',
    field_expected_version: 'Case version', 'field_open_case.workflow': 'Workflow',
    channel_personal_attendance: 'Personal attendance', channel_phone: 'Phone', channel_letter: 'Letter', channel_email: 'Email',
    channel_digital_self_service: 'Digital self-service', channel_assisted_self_service: 'Assisted self-service',
    problem_other: 'It did not succeed.', problem_job_failed: 'The job failed.', server_says: "The server's message", problem_field: 'Concerns',
    purpose_case: 'The case', purpose_history: "The case's history", purpose_attachments: 'Attachments', purpose_document: 'A document',
    purpose_list: 'A list of cases', purpose_worklist: 'Worklist', purpose_inquiries: 'Inquiries', purpose_letters: 'Letters',
    purpose_search: 'Search', 'purpose_search by CPR number': 'Search by CPR number', purpose_answer: 'Answer to a change',
    via_api: 'web/API', via_cli: 'command line', workflow_title: 'Title',
  },
};
for (const lang of Object.keys(WORDS)) Object.assign(TEXT[lang], WORDS[lang]);

// Only the language is kept in localStorage, and only a pasted token in
// sessionStorage; a signed-in session lives in an HttpOnly cookie the page
// cannot read. state.session is GET /api/v1/session (its CSRF token included).
const state = { lang: localStorage.getItem('sagsflow.lang') || 'da', me: null, areas: null, session: null };
const t = (key) => TEXT[state.lang][key] || key;
const main = () => document.getElementById('main');

// h('p', {class: 'x'}, 'text', child): builds elements; text is never parsed as HTML.
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// A word for an API key (`prefix` + key), else `fallback` (else the key itself).
function word(prefix, key, fallback) {
  if (key === null || key === undefined || key === '') return '–';
  const own = TEXT[state.lang][prefix + key];
  return own || fallback || String(key);
}
// A value for the page: never a literal "null" or "undefined".
const shown = (v) => (v === null || v === undefined || v === '' ? '–' : String(v));

// Dates and times in Copenhagen time, in the page's language (Danish by default).
const ZONE = 'Europe/Copenhagen';
const pageLocale = () => (state.lang === 'da' ? 'da-DK' : 'en-GB');
function dayText(day, style) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '');
  if (!m) return shown(day);
  return new Intl.DateTimeFormat(pageLocale(), { timeZone: 'UTC', dateStyle: style || 'medium' })
    .format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}
function instantText(instant) {
  const d = new Date(instant);
  if (instant === null || instant === undefined || instant === '' || Number.isNaN(d.getTime())) return shown(instant);
  return new Intl.DateTimeFormat(pageLocale(), { timeZone: ZONE, dateStyle: 'medium', timeStyle: 'short' }).format(d);
}
// A date (YYYY-MM-DD, a calendar day) or an instant (an ISO timestamp, shown in Copenhagen time).
function whenText(x) {
  if (typeof x === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(x)) return dayText(x);
  return instantText(x);
}

// Stage titles the API gives (the published processing deadlines, and for an
// admin the workflows themselves), by workflow and stage; a generic word otherwise.
async function loadStageTitles(withWorkflows) {
  state.stageTitles = state.stageTitles || {};
  const put = (wf, stage, title) => { if (wf && stage && title && title !== stage) (state.stageTitles[wf] = state.stageTitles[wf] || {})[stage] = title; };
  if (!state.stageTitlesLoaded) {
    state.stageTitlesLoaded = true;
    try {
      const d = await api('GET', '/api/v1/processing-deadlines');
      for (const x of d.processing_deadlines || []) {
        put(x.workflow, x.stage, x.stage_title);
        if (x.workflow && x.workflow_title) (state.workflowTitles = state.workflowTitles || {})[x.workflow] = x.workflow_title;
      }
    } catch (err) { /* the generic words stand */ }
  }
  if (withWorkflows && state.me && state.me.admin && !state.workflowTitlesLoaded) {
    state.workflowTitlesLoaded = true;
    try {
      const list = (await api('GET', '/api/v1/admin/workflows')).workflows || [];
      const ids = [...new Set(list.map((w) => w.id))];
      const defs = await Promise.all(ids.map((id) => api('GET', `/api/v1/admin/workflows/${encodeURIComponent(id)}`).catch(() => null)));
      for (const def of defs) for (const st of (def && def.stages) || []) put(def.id, st.name, st.title);
    } catch (err) { /* the generic words stand */ }
  }
}
function stageText(workflow, stage, given) {
  if (stage === null || stage === undefined || stage === '') return '–';
  const wf = workflow && typeof workflow === 'object' ? workflow.id : workflow;
  const fromApi = given && given !== stage ? given : ((state.stageTitles || {})[wf] || {})[stage];
  const generic = TEXT[state.lang]['stage_' + stage];
  // Danish pages take the workflow's own (Danish) title; English pages the English word where there is one.
  return state.lang === 'da' ? fromApi || generic || stage : generic || fromApi || stage;
}
const statusText = (status) => word('status_', status);
// Why a record of the access log was made (the core's purpose keys; 'answer to <operation>' after a change).
function purposeText(purpose, via) {
  let text = word('purpose_', purpose);
  const m = /^answer to (.*)$/.exec(purpose || '');
  if (m) {
    const op = m[1].replace(/^act /, '');
    text = `${t('purpose_answer')} (${word('action_', op.replace(/ /g, '_'), op)})`;
  }
  return via ? `${text} · ${word('via_', via)}` : text;
}
function statusAndStage(c, given) {
  const status = statusText(c.status);
  if (c.status === 'closed' && (!c.stage || c.stage === 'closed')) return status;
  return `${status} · ${stageText(c.workflow, c.stage, given)}`;
}

// Authority ids (municipality codes, 'udbetaling_danmark'...) by the names the API gives (GET /me, /areas).
function authorityText(id) {
  if (id === null || id === undefined || id === '') return '–';
  const names = state.authorities || {};
  return names[id] ? `${names[id]} (${id})` : String(id);
}
const authorityName = (id) => ((state.authorities || {})[id] || shown(id));
function rememberAuthorities() {
  const names = state.authorities = state.authorities || {};
  const me = state.me || {};
  if (me.authority && me.authority_name) names[me.authority] = me.authority_name;
  if (me.municipality && me.municipality_name) names[me.municipality] = me.municipality_name;
  for (const a of (state.areas && state.areas.areas) || []) if (a.owning_authority && a.owning_authority_name) names[a.owning_authority] = a.owning_authority_name;
}
async function loadAreas() {
  if (!state.areas) state.areas = await api('GET', '/api/v1/areas');
  if (!state.services) state.services = (await api('GET', '/api/v1/services').catch(() => ({ services: [] }))).services || [];
  rememberAuthorities();
  return state.areas;
}
// A service area by the title of its service (the API has no label of an area itself: an API gap).
function areaText(id) {
  if (id === null || id === undefined || id === '') return '–';
  const list = state.services || [];
  const s = list.find((x) => x.area === id && x.id === id) || list.find((x) => x.area === id);
  const wf = (state.workflowTitles || {})[id];
  return s ? s.title : wf || String(id);
}
function channelText(id) {
  const ch = ((state.areas && state.areas.channels) || []).find((c) => c.id === id);
  if (state.lang === 'da' && ch && ch.label_da) return ch.label_da;
  return word('channel_', id, ch && ch.label_da);
}

function token() { return sessionStorage.getItem('sagsflow.token'); }

// Who the request is from: a pasted bearer token, else the session cookie
// (same-origin), with the session's CSRF token on everything that changes something.
function authHeaders(method) {
  if (token()) return { Authorization: 'Bearer ' + token() };
  const csrf = state.session && state.session.csrf_token;
  return csrf && method !== 'GET' && method !== 'HEAD' ? { 'X-CSRF-Token': csrf } : {};
}

class ApiError extends Error {
  constructor(problem) { super(problem.detail || problem.title); this.problem = problem; }
}

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json', ...authHeaders(method) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: text }; }
  if (!res.ok) {
    if (res.status === 401) { sessionStorage.removeItem('sagsflow.token'); state.me = null; state.session = null; }
    throw new ApiError(data || { status: res.status, detail: res.statusText });
  }
  return data;
}

// A document's bytes come with the bearer token, so they are fetched and
// handed to the browser as a file to save (never shown in this page's origin).
async function downloadDocument(path, name) {
  const res = await fetch(path, { headers: authHeaders('GET'), credentials: 'same-origin' });
  if (!res.ok) {
    let p = { status: res.status, detail: res.statusText };
    try { p = await res.json(); } catch (e) { /* not JSON */ }
    throw new ApiError(p);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function documentTable(docs, pathOf, box) {
  if (!docs.length) return h('p', { class: 'muted' }, t('no_documents'));
  return table([t('doc_file'), t('doc_kind'), 'Type', t('size'), t('added'), ''], docs.map((d) => [d.name, d.kind, d.media_type,
    `${Math.max(1, Math.round(d.size / 1024))} kB`, whenText(d.added_at),
    h('button', { type: 'button', class: 'secondary', 'data-document': String(d.id), onclick: async () => {
      try { await downloadDocument(pathOf(d), d.name); } catch (err) { box.replaceChildren(problemBox(err)); }
    } }, t('download'))]));
}

// Letters to the citizen: staff see each one's delivery; the citizen sees what reached them.
function letterTable(letters, pathOf, box, forStaff) {
  if (!letters.length) return h('p', { class: 'muted' }, t('no_letters'));
  const head = forStaff ? [t('letter_kind'), t('letter_state'), t('letter_channel'), t('attempts'), t('receipt'), '']
    : [t('letter_kind'), t('letter_channel'), t('delivered'), ''];
  return table(head, letters.map((l) => {
    const pdf = l.document_id
      ? h('button', { type: 'button', class: 'secondary', 'data-letter': String(l.id), onclick: async () => {
        try { await downloadDocument(pathOf(l.document_id), `${l.kind}.pdf`); } catch (err) { box.replaceChildren(problemBox(err)); }
      } }, t('download')) : '';
    if (!forStaff) return [word('kind_', l.kind), word('channel_', l.channel), l.delivered_at ? whenText(l.delivered_at) : '–', pdf];
    const stateText = word('state_', l.state) + (l.incident ? ` · ${t('letter_incident')}: ${l.last_error || ''}` : '');
    return [word('kind_', l.kind), stateText, word('channel_', l.channel), shown(l.attempts), l.receipt || '–', pdf];
  }));
}

function uploadForm(c, labels) {
  const kinds = [...new Set([...c.actions.flatMap((a) => a.requires_attachments), ...Object.keys(labels.attachment), 'other'])];
  const file = h('input', { id: 'document-file', type: 'file', name: 'file', required: true });
  const kind = h('select', { id: 'document-kind', name: 'kind' }, kinds.map((k) => h('option', { value: k }, labels.attachment[k] || (k === 'other' ? t('other_kind') : k))));
  const out = h('div', {});
  const form = h('form', { class: 'card', id: 'document-upload', onsubmit: async (e) => {
    e.preventDefault();
    const nav = state.nav;
    const body = new FormData();
    body.append('kind', kind.value);
    body.append('file', file.files[0]);
    try {
      const res = await fetch(`/api/v1/cases/${c.id}/documents`, { method: 'POST', headers: authHeaders('POST'), credentials: 'same-origin', body });
      const data = await res.json();
      if (!res.ok) throw new ApiError(data);
      say(`${t('add_document')}: ${data.document.name}`);
      if (nav === state.nav) await casePage(c.id);
    } catch (err) { out.replaceChildren(problemBox(err)); }
  } },
  h('div', { class: 'grid' }, h('label', { for: 'document-kind' }, t('doc_kind'), kind), h('label', { for: 'document-file' }, t('doc_file'), file)),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary', id: 'document-add' }, t('add_document'))), out);
  return form;
}

// A refusal (application/problem+json) in the page's language: the words for
// its stable code (or its HTTP status) first, the server's own detail after it.
function problemWords(p) {
  const own = TEXT[state.lang];
  if (p.code && own['problem_' + p.code]) return own['problem_' + p.code];
  if (state.lang === 'en' && p.title) return p.title;
  return own['problem_status_' + p.status] || own.problem_other;
}
function fieldText(field) {
  const name = String(field).replace(/^fields\./, '');
  return TEXT[state.lang]['field_' + name] || TEXT[state.lang]['field_' + field] || name;
}
function problemBox(err, labels) {
  const p = (err && err.problem) || { detail: String(err) };
  const field = p.field ? ((labels && labels.field && labels.field[String(p.field).replace(/^fields\./, '')]) || fieldText(p.field)) : null;
  return h('div', { class: 'problem', role: 'alert', 'data-problem': p.code || null },
    h('strong', {}, problemWords(p)),
    field ? h('div', {}, `${t('problem_field')}: ${field}`) : null,
    p.detail ? h('div', { class: 'muted' }, `${t('server_says')}: ${p.detail}`) : null);
}

function say(message) {
  const box = document.getElementById('status');
  box.textContent = message;
  box.hidden = false;
  clearTimeout(say.timer);
  say.timer = setTimeout(() => { box.hidden = true; }, 4000);
}

function table(headers, rows) {
  // Keyboard users scroll a wide table too (on a phone): the wrapper takes the focus and says what it holds.
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': headers.filter((x) => typeof x === 'string' && x).join(', ') }, h('table', {},
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))));
}

// replaceChildren() would write an absent part (null, undefined) as text: only the parts present are given to it.
const present = (nodes) => nodes.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false);

function show(...nodes) {
  const m = main();
  m.replaceChildren(...present(nodes));
  m.focus();
}

function select(name, options, value) {
  return h('select', { name, id: name }, options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}

// ---------------------------------------------------------------- sign-in
function signInPage(message) {
  const area = h('textarea', { id: 'token', name: 'token', class: 'token', required: true, autocomplete: 'off' });
  const form = h('form', { onsubmit: async (e) => {
    e.preventDefault();
    sessionStorage.setItem('sagsflow.token', area.value.trim());
    await start();
  } },
  h('label', { for: 'token' }, t('token'), area),
  h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, t('signin'))));
  const offer = (state.session && state.session.sign_in) || {};
  const login = (kind, back, label) => h('a', { class: 'button primary', id: 'signin-' + kind,
    href: `/auth/login/${kind}?return_to=${encodeURIComponent(back)}` }, label);
  const links = [offer.citizen ? login('citizen', '/#/my-cases', t('signin_mitid')) : null,
    offer.staff ? login('staff', '/#/front-desk', t('signin_staff')) : null].filter(Boolean);
  const paste = [h('p', {}, t('signin_help')), form];
  show(h('h1', {}, t('signin')), message ? h('div', { class: 'problem', role: 'alert' }, message) : null,
    links.length ? [h('p', {}, t('signin_choose')), h('div', { class: 'actions' }, links),
      h('details', { class: 'token-signin' }, h('summary', {}, t('signin_token')), paste)] : paste);
}

// ---------------------------------------------------------------- front desk
async function frontDeskPage() {
  const nav = state.nav;  // a later navigation wins: this page then renders nothing
  await loadAreas();
  const situations = (await api('GET', '/api/v1/life-situations')).life_situations;
  const areas = state.areas.areas;
  const advice = h('section', { 'aria-live': 'polite', id: 'advice' });
  const result = h('section', { 'aria-live': 'polite', id: 'result' });
  const form = h('form', { class: 'grid', id: 'inquiry' },
    h('label', { for: 'channel' }, t('channel'), select('channel', state.areas.channels.map((c) => [c.id, channelText(c.id)]), 'personal_attendance')),
    h('label', { for: 'area' }, t('area'), select('area', areas.map((a) => [a.id, areaText(a.id)]), areas.length ? areas[0].id : '')),
    h('label', { for: 'service' }, t('service'), select('service', state.areas.services.map((s) => [s, word('service_', s)]), 'general_guidance')),
    h('label', { for: 'citizen_cpr' }, t('citizen'), h('input', { id: 'citizen_cpr', name: 'citizen_cpr', inputmode: 'numeric', placeholder: 'DDMMÅÅ-XXXX', autocomplete: 'off' })),
    h('label', { for: 'life_situation' }, t('situation'), select('life_situation', [['', t('none')], ...situations.map((s) => [s.id, s.title])], '')),
    h('label', { for: 'outcome' }, t('outcome'), h('input', { id: 'outcome', name: 'outcome' })),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'with_form', id: 'with_form' }), t('with_form')));
  const v = (name) => form.elements[name].value;
  const body = (extra) => {
    const b = { channel: v('channel'), area: v('area'), service: v('service'), with_form: form.elements.with_form.checked, outcome: v('outcome'), ...extra };
    if (v('citizen_cpr').trim()) b.citizen_cpr = v('citizen_cpr').trim();
    return b;
  };
  const submit = async (extra) => {
    result.replaceChildren();
    try {
      let b = body(extra);
      if (v('life_situation')) b = { channel: v('channel'), citizen_cpr: v('citizen_cpr').trim(), life_situation: v('life_situation') };
      const out = await api('POST', '/api/v1/inquiries', b);
      result.replaceChildren(renderRegistered(out));
      say(t('registered'));
    } catch (err) { result.replaceChildren(problemBox(err)); }
  };
  const buttons = h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'primary', id: 'resolve', onclick: () => submit({ type: 'general_information', resolved_on_the_spot: true }) }, t('register_resolved')),
    h('button', { type: 'button', class: 'secondary', id: 'register', onclick: () => submit({ type: 'case_information' }) }, t('register_only')),
    h('button', { type: 'button', class: 'secondary', id: 'open-case', onclick: () => {
      const area = areas.find((a) => a.id === v('area'));
      const workflow = area && area.workflows.length ? area.workflows[0] : v('area');
      // The inquiry records the service chosen in the list (a hard-coded service here used to override it).
      submit({ type: 'transaction', open_case: { workflow } });
    } }, t('open_case')));
  let adviceAsked = 0;  // the latest choice of area wins: an older answer arriving late is dropped
  const loadAdvice = async () => {
    const mine = ++adviceAsked;
    try {
      const a = await api('GET', `/api/v1/areas/${encodeURIComponent(v('area'))}/advice`);
      if (mine !== adviceAsked) return;
      const rows = Object.entries(a.services).map(([key, s]) => [word('service_', key),
        h('span', { class: s.allowed ? 'ok' : 'no' }, s.allowed ? t('allowed') : t('refused')),
        shown(s.acting_authority_name), shown(s.owning_authority_name),
        // The columns say what is allowed; a refusal's reason is the server's (English, without a code: an API gap).
        !s.allowed || state.lang === 'en' ? h('span', { class: 'muted', lang: 'en' }, s.message || '') : '']);
      advice.replaceChildren(...present([h('h2', {}, t('what_we_may')),
        a.triage ? h('div', { class: 'notice' }, `${t('triage')}: ${a.triage.message}`) : null,
        table([t('service'), '', t('acting_for'), t('decided_by'), ''], rows)]));
    } catch (err) { if (mine === adviceAsked) advice.replaceChildren(problemBox(err)); }
  };
  form.elements.area.addEventListener('change', loadAdvice);
  if (nav !== state.nav) return;
  show(h('h1', {}, t('frontdesk')), form, buttons, result, advice);
  await loadAdvice();
}

function renderRegistered(out) {
  const inq = out.inquiry;
  const parts = [h('div', { class: 'notice', id: 'registered' },
    h('strong', {}, `${t('registered')} #${inq.id}`),
    ` · ${channelText(inq.channel)} · ${areaText(inq.area)} · ${word('service_', inq.service)} · ${t('acting_for')} ${authorityText(inq.acting_authority)}`,
    out.advice && state.lang === 'en' ? h('div', {}, out.advice.message) : null,
    out.triage ? h('div', {}, `${t('triage')}: ${out.triage.message}`) : null)];
  if (out.case) {
    parts.push(h('p', {}, `${t('case_opened')}: ${out.case.case_number} `, h('a', { href: `#/case/${encodeURIComponent(out.case.case_number)}`, id: 'opened-case' }, t('go_to_case'))));
  }
  if (out.life_situation) {
    const ls = out.life_situation;
    parts.push(h('h2', {}, shown(ls.title)));
    if (ls.opened.length) parts.push(h('p', {}, t('opened_cases') + ': '), h('ul', {}, ls.opened.map((c) => h('li', {}, h('a', { href: `#/case/${encodeURIComponent(c.case_number)}` }, `${c.case_number} ${shown(c.title)}`)))));
    if (ls.skipped.length) parts.push(h('p', {}, t('skipped') + ': '), h('ul', {}, ls.skipped.map((s) => h('li', {}, `${shown(s.title || s.workflow)}: ${shown(s.reason)}`))));
    if (ls.information.length) parts.push(h('p', {}, t('information') + ': '), h('ul', {}, ls.information.map((i) => h('li', {}, i.text))));
  }
  return h('div', {}, parts);
}

// ---------------------------------------------------------------- worklist
function caseRows(cases, withClaim) {
  return cases.map((c) => [
    h('a', { href: `#/case/${encodeURIComponent(c.case_number)}` }, c.case_number), c.title || c.workflow, stageText(c.workflow, c.stage), c.citizen || '–',
    c.due ? (dayText(c.due) + (c.breached ? ` (${t('breached')})` : '')) : '–', c.assignee || '–',
    withClaim && !c.assignee ? h('button', { type: 'button', class: 'secondary', onclick: async () => {
      const nav = state.nav;  // re-render only if the user is still on this page
      try { await api('POST', `/api/v1/cases/${c.id}/claim`); say(t('sent')); if (nav === state.nav) await worklistPage(); } catch (err) { if (nav === state.nav) main().prepend(problemBox(err)); }
    } }, t('claim')) : '']);
}

// A list the server answers in pages: its first page, and a button for the
// next while the answer says the list was cut (next_after is the cursor).
function pagedList(path, first, head, withClaim) {
  const cases = [...first.cases];
  let next = first.cut ? first.next_after : null;
  const box = h('div', {});
  const render = () => {
    const parts = [cases.length ? table(head, caseRows(cases, withClaim)) : h('p', {}, t('no_cases'))];
    if (next !== null) {
      parts.push(h('p', {}, t('list_cut')), h('button', { type: 'button', class: 'secondary', onclick: async () => {
        try {
          const more = await api('GET', `${path}?after=${next}`);
          cases.push(...more.cases);
          next = more.cut ? more.next_after : null;
          render();
        } catch (err) { main().prepend(problemBox(err)); }
      } }, t('more_cases')));
    }
    box.replaceChildren(...parts);
  };
  render();
  return box;
}

// The worklist with its filters and bulk work is worklist.js's.
async function worklistPage() { return worklistView(); }

// ---------------------------------------------------------------- case page
// The fields of a service's form by name (its type, choices and label), for the action forms' inputs.
function formFields(form) {
  const out = {};
  for (const f of (form && form.fields) || []) out[f.name] = f;
  return out;
}
// Fields a workflow asks for that no form describes (an API gap): their type where it is plain from the name.
const WORKFLOW_FIELD_TYPES = { expected_date: 'date' };

// The input of one field an action requires: a checkbox for a yes/no, a date
// picker for a date, a list for a choice, a number for a number, else text.
function actionInput(a, name, def, label, current) {
  const id = `f-${a.name}-${name}`;
  const type = (def && def.type) || WORKFLOW_FIELD_TYPES[name] || 'string';
  if (type === 'boolean') {
    return h('label', { class: 'check', for: id }, h('input', { type: 'checkbox', id, name, checked: current === true, 'data-type': 'boolean' }), label);
  }
  let input;
  if (type === 'enum') {
    input = h('select', { id, name, required: true, 'data-type': 'enum' }, h('option', { value: '' }, ct('choose')),
      ((def && def.values) || []).map((x) => h('option', { value: x.value, selected: x.value === current }, x.label || x.value)));
  } else {
    const kind = type === 'date' ? 'date' : type === 'integer' || type === 'number' ? 'number' : 'text';
    input = h('input', { id, name, type: kind, required: true, 'data-type': type,
      value: current === undefined || current === null ? null : String(current),
      step: type === 'integer' ? '1' : type === 'number' ? 'any' : null,
      min: def && def.min !== undefined && def.min !== null ? def.min : null, max: def && def.max !== undefined && def.max !== null ? def.max : null,
      maxlength: def && def.max_length ? def.max_length : null, inputmode: type === 'integer' ? 'numeric' : null });
  }
  return h('label', { for: id }, label, input);
}
// The value an action input holds, as the API takes it.
function inputValue(el) {
  const type = el.dataset.type;
  if (type === 'boolean') return el.checked;
  const text = el.value.trim();
  if ((type === 'integer' || type === 'number') && text !== '' && Number.isFinite(Number(text.replace(',', '.')))) return Number(text.replace(',', '.'));
  return el.value;
}
// A field's value for reading: yes/no, a Danish date, the choice's label.
function fieldValueText(def, v) {
  if (v === null || v === undefined || v === '') return '–';
  if (typeof v === 'boolean') return v ? t('yes') : t('no');
  if (def && def.type === 'enum') { const x = (def.values || []).find((o) => o.value === v); if (x && x.label) return x.label; }
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) return whenText(v);
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  return JSON.stringify(v);
}
function labelOf(labels, name) { return labels.field[name] || TEXT[state.lang]['field_' + name] || name; }

// The labels of a service's form (GET /api/v1/services/{id}/form): a field's or attachment's name → its label.
function formLabels(form) {
  const labels = { field: {}, attachment: {} };
  if (!form) return labels;
  for (const f of form.fields) labels.field[f.name] = f.label;
  for (const a of form.attachments) labels.attachment[a.name] = a.label;
  return labels;
}

// What a request for missing items may ask the citizen for: the form's attachments and fields, as checkboxes.
function askFieldset(a, form) {
  if (!a.asks_citizen || !form || (!form.attachments.length && !form.fields.length)) return null;
  const box = (kind, item) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: `ask-${kind}`, value: item.name, id: `ask-${a.name}-${kind}-${item.name}` }), item.label);
  return h('fieldset', { class: 'ask', id: `ask-${a.name}` }, h('legend', {}, t('ask_citizen')),
    form.attachments.map((x) => box('attachment', x)), form.fields.map((x) => box('field', x)));
}

function actionForm(c, a, serviceForm) {
  const labels = formLabels(serviceForm);
  const defs = formFields(serviceForm);
  // A required field the case already holds is shown with its value (to confirm or correct).
  const inputs = a.requires_fields.map((f) => actionInput(a, f, defs[f], labelOf(labels, f), c.fields[f]));
  const files = a.requires_attachments.map((n) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: `att:${n}`, required: true }), labels.attachment[n] || n));
  const ask = askFieldset(a, serviceForm);
  const form = h('form', { class: 'card', 'data-action': a.name, onsubmit: async (e) => {
    e.preventDefault();
    const nav = state.nav;  // re-render only if the user is still on this page
    const fields = {};
    for (const f of a.requires_fields) fields[f] = inputValue(form.elements[f]);
    const attachments = a.requires_attachments.filter((n) => form.elements[`att:${n}`].checked).map((n) => ({ name: n, kind: 'received' }));
    const asked = (kind) => [...form.querySelectorAll(`input[name="ask-${kind}"]:checked`)].map((x) => x.value);
    const body = { fields, attachments, note: form.elements.note.value, expected_version: c.version };
    if (ask) { body.ask_attachments = asked('attachment'); body.ask_fields = asked('field'); }
    try {
      await api('POST', `/api/v1/cases/${c.id}/actions/${encodeURIComponent(a.name)}`, body);
      say(`${a.title}: ${t('sent')}`);
      if (nav === state.nav) await casePage(c.id);
    } catch (err) { form.append(problemBox(err, labels)); }
  } },
  h('h3', {}, a.title), h('div', { class: 'grid' }, inputs, files), ask,
  h('label', { for: `note-${a.name}` }, t('note'), h('input', { id: `note-${a.name}`, name: 'note' })),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: `do-${a.name}` }, `${t('do_action')}: ${a.title}`)));
  return form;
}

async function casePage(id) {
  const nav = state.nav;  // a later navigation wins: this page then renders nothing
  const [c, hist, docs, letters] = await Promise.all([api('GET', `/api/v1/cases/${id}`), api('GET', `/api/v1/cases/${id}/history`),
    api('GET', `/api/v1/cases/${id}/documents`), api('GET', `/api/v1/cases/${id}/letters`), loadStageTitles(true), loadAreas().catch(() => null)]);
  // The service's form gives the words for its fields and attachments (none for a workflow without a form).
  const form = await api('GET', `/api/v1/services/${encodeURIComponent(c.workflow.id)}/form?lang=${state.lang}`).catch(() => null);
  const labels = formLabels(form);
  const defs = formFields(form);
  const wf = c.workflow;
  const docBox = h('div', { id: 'documents' });
  docBox.append(documentTable(docs.documents, (d) => `/api/v1/cases/${id}/documents/${d.id}`, docBox));
  const letterBox = h('div', { id: 'letters' });
  letterBox.append(letterTable(letters.letters, (doc) => `/api/v1/cases/${id}/documents/${doc}`, letterBox, true));
  const facts = h('dl', { class: 'facts' },
    ...[[t('status'), statusAndStage(c)], [t('citizen'), c.citizen || '–'], [t('owner'), authorityText(c.owning_authority)],
      [t('queue'), c.queue && c.queue.name ? c.queue.name : '–'], [t('assignee'), c.assignee && c.assignee.person ? c.assignee.person : '–'], [t('opened'), whenText(c.opened_at)]]
      .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  const fields = Object.entries(c.fields).map(([k, v]) => [labelOf(labels, k), fieldValueText(defs[k], v)]);
  const missing = c.missing ? [...(c.missing.fields || []).map((n) => labels.field[n] || n),
    ...(c.missing.attachments || []).map((n) => labels.attachment[n] || n)] : [];
  const clock = c.clock ? h('p', { id: 'deadline' }, `${t('due')}: ${whenText(c.clock.due)}` + (c.clock.breached ? ` (${t('breached')})` : '') + (c.clock.paused_since ? ` (${t('paused')})` : '')) : h('p', {}, '—');
  const claimButtons = h('div', { class: 'actions' },
    c.may_claim ? h('button', { type: 'button', class: 'secondary', id: 'claim', onclick: async () => {
      const nav = state.nav;
      try { await api('POST', `/api/v1/cases/${c.id}/claim`); if (nav === state.nav) await casePage(c.id); } catch (err) { if (nav === state.nav) main().prepend(problemBox(err)); }
    } }, t('claim')) : null,
    c.may_release ? h('button', { type: 'button', class: 'secondary', id: 'release', onclick: async () => {
      const nav = state.nav;
      try { await api('POST', `/api/v1/cases/${c.id}/release`); if (nav === state.nav) await casePage(c.id); } catch (err) { if (nav === state.nav) main().prepend(problemBox(err)); }
    } }, t('release')) : null);
  if (nav !== state.nav) return;
  show(h('h1', {}, `${c.case_number} · ${c.title}`), facts, claimButtons,
    h('h2', {}, t('fields')), fields.length ? table([t('field'), t('value')], fields) : h('p', {}, '—'),
    h('h2', {}, t('missing')), missing.length ? h('ul', { id: 'missing' }, missing.map((m) => h('li', {}, m))) : h('p', {}, '—'),
    h('h2', {}, t('deadlines')), clock,
    h('h2', {}, t('documents')), docBox, c.actions.length ? uploadForm(c, labels) : null,
    h('h2', {}, t('letters')), letterBox,
    h('h2', {}, t('actions')), c.actions.length ? h('div', { id: 'case-actions' }, c.actions.map((a) => actionForm(c, a, form))) : h('p', { id: 'no-actions' }, t('no_actions')),
    h('h2', {}, t('history')), table([t('when'), t('what'), t('who'), t('stage')],
      hist.events.map((e) => [whenText(e.at), actionText(c, e.action), e.authority ? `${shown(e.actor)} (${authorityName(e.authority)})` : shown(e.actor),
        `${e.from_stage ? stageText(wf, e.from_stage) : '–'} → ${stageText(wf, e.to_stage)}`])));
}

// A past action by its title where the case still offers it, else a generic word (history events carry no title: an API gap).
function actionText(c, name) {
  const offered = (c.actions || []).find((a) => a.name === name);
  return offered && offered.title && offered.title !== name ? offered.title : word('action_', name);
}

// ---------------------------------------------------------------- admin
async function adminPage() {
  const nav = state.nav;  // a later navigation wins: this page then renders nothing
  const [plugins, workflows, m, audit, incidents] = await Promise.all([
    api('GET', '/api/v1/admin/plugins'), api('GET', '/api/v1/admin/workflows'),
    api('GET', '/api/v1/admin/municipality'), api('GET', '/api/v1/admin/audit?limit=50'),
    api('GET', '/api/v1/admin/letters?incidents=true'), loadStageTitles(true), loadAreas().catch(() => null)]);
  if (nav !== state.nav) return;
  const letterBox = h('div', { id: 'letter-incidents' });
  letterBox.append(incidents.letters.length ? table([t('letter_kind'), t('case_no'), t('letter_state'), t('attempts'), t('error'), ''],
    incidents.letters.map((l) => [word('kind_', l.kind),
      l.case_id != null ? h('a', { href: `#/case/${l.case_id}` }, String(l.case_id)) : `${t('appointment_no')} ${shown(l.appointment_id)}`, word('state_', l.state),
      String(l.attempts), l.last_error || '', h('button', { type: 'button', class: 'secondary', onclick: async () => {
        try { await api('POST', `/api/v1/admin/letters/${l.id}/retry`); if (nav === state.nav) await adminPage(); } catch (err) { letterBox.prepend(problemBox(err)); }
      } }, t('retry'))])) : h('p', { class: 'muted' }, t('no_letter_incidents')));
  show(h('h1', {}, `${t('admin')}: ${m.name} (${m.municipality})`),
    h('p', {}, `${t('model')}: `, h('strong', {}, word('model_', m.model)), m.uses_triage ? ` · ${t('triage')}` : ''),
    m.gaps.length ? h('div', { class: 'problem' }, h('strong', {}, t('gaps') + ': '), h('ul', {}, m.gaps.map((g) => h('li', {}, g)))) : null,
    h('h2', {}, t('plugins')), table(['id', t('version'), t('enabled'), t('loaded'), 'sha256'],
      plugins.plugins.map((p) => [p.id, p.version, p.enabled ? t('yes') : t('no'), p.loaded ? h('span', { class: 'ok' }, t('yes')) : h('span', { class: 'no' }, t('no')), p.sha256.slice(0, 12)])),
    h('h2', {}, t('workflows')), workflowDeployLink(), table(['id', t('workflow_title'), t('version'), t('area'), t('deployed')],
      workflows.workflows.map((w) => [w.id, shown((state.workflowTitles || {})[w.id]), String(w.version), areaText(w.service_area), whenText(w.deployed_at)])),
    h('h2', {}, t('responsibilities')), table([t('area'), t('task'), t('model'), t('rules'), t('queue'), t('decided_by')],
      m.tasks.map((r) => [areaText(r.area), word('task_', r.task), word('model_', r.model), shown(r.professional), shown(r.administrative), authorityText(r.decided_by)])),
    h('h2', {}, t('letter_incidents')), letterBox,
    h('h2', {}, t('kle_import')), kleImportForm(),
    h('h2', {}, t('simulate')), simulationForm(),
    h('h2', {}, t('audit')), table([t('when'), t('case_no'), t('who'), t('owner'), t('purpose')],
      audit.records.map((r) => [whenText(r.at), r.case_number || (r.inquiry_id ? `${t('inquiries')} ${r.inquiry_id}` : '–'),
        r.unit ? `${shown(r.actor)} (${r.unit})` : shown(r.actor), authorityText(r.authority), purposeText(r.purpose, r.via)])));
}

// A long operation: start it, then follow the job's progress until it ends.
async function followJob(job, bar, label) {
  for (;;) {
    bar.max = job.total;
    bar.value = job.done;
    label.textContent = `${job.step} (${job.done}/${job.total})`;
    if (job.state !== 'running') return job;
    await new Promise((resolve) => setTimeout(resolve, 300));
    job = await api('GET', `/api/v1/admin/jobs/${job.id}`);
  }
}

function kleImportForm() {
  const file = h('input', { type: 'file', id: 'kle-file', name: 'kle-file', accept: '.xml,text/xml', required: true });
  const bar = h('progress', { class: 'progress', id: 'kle-progress', max: 1, value: 0, 'aria-label': t('kle_import') });
  const label = h('p', { id: 'kle-step', 'aria-live': 'polite' });
  const out = h('div', { id: 'kle-result' });
  const form = h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    out.replaceChildren();
    const f = file.files[0];
    if (!f) return;
    try {
      const started = await api('POST', '/api/v1/admin/kle-import', { file_name: f.name, xml: await f.text() });
      const job = await followJob(started, bar, label);
      if (job.state === 'failed') return out.replaceChildren(problemBox({ problem: { code: 'job_failed', detail: job.error } }));
      out.replaceChildren(...present([h('p', { class: 'ok' }, `${job.result.subjects} ${t('subjects')} (${job.result.published})`),
        job.result.warnings.length ? h('div', { class: 'notice' }, h('strong', {}, t('warnings')), h('ul', {}, job.result.warnings.map((w) => h('li', {}, w)))) : null]));
    } catch (err) { out.replaceChildren(problemBox(err)); }
  } },
  h('label', { for: 'kle-file' }, t('kle_file'), file),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'kle-start' }, t('start_import'))),
  bar, label, out);
  return form;
}

// ---------------------------------------------------------------- reports
const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}
const COLOURS = { personal_attendance: '#00538a', phone: '#4f9fd1', letter: '#8c6d1f', email: '#c9a227',
  digital_post: '#6a9f58', digital_self_service: '#1a6b2a', assisted_self_service: '#a05195' };
const pct = (x) => `${(x * 100).toFixed(1)} %`;

function mixChart(report) {
  const w = 640, h = 240, pad = 40, n = Math.max(1, report.trend.length);
  const max = Math.max(1, ...report.trend.map((t) => t.inquiries));
  const bw = (w - pad * 2) / n;
  const chart = svg('svg', { viewBox: `0 0 ${w} ${h + 60}`, role: 'img', 'aria-label': t('mix'), id: 'mix-chart', width: '100%' });
  report.trend.forEach((row, i) => {
    let y = h;
    for (const c of report.channels) {
      const v = row[c.channel] || 0;
      const bh = (v / max) * (h - pad);
      y -= bh;
      chart.append(svg('rect', { x: pad + i * bw + 2, y, width: Math.max(1, bw - 4), height: bh, fill: COLOURS[c.channel] },
        svg('title', {}, `${row.period} ${c.label_da || c.channel}: ${v}`)));
    }
    if (n <= 14 || i % Math.ceil(n / 12) === 0) chart.append(svg('text', { x: pad + i * bw + bw / 2, y: h + 14, 'font-size': 10, 'text-anchor': 'middle' }, row.period));
  });
  chart.append(svg('text', { x: 4, y: pad - 8, 'font-size': 10 }, String(max)));
  report.channels.forEach((c, i) => {
    chart.append(svg('rect', { x: pad + (i % 4) * 150, y: h + 26 + Math.floor(i / 4) * 16, width: 10, height: 10, fill: COLOURS[c.channel] }));
    chart.append(svg('text', { x: pad + (i % 4) * 150 + 14, y: h + 35 + Math.floor(i / 4) * 16, 'font-size': 11 }, c.label_da));
  });
  return chart;
}

function rateChart(report) {
  const w = 640, h = 220, pad = 40, n = Math.max(1, report.trend.length);
  const x = (i) => pad + (n === 1 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (n - 1));
  const y = (v) => h - pad / 2 - v * (h - pad);
  const chart = svg('svg', { viewBox: `0 0 ${w} ${h + 30}`, role: 'img', 'aria-label': t('rate_vs_target'), id: 'rate-chart', width: '100%' });
  const target = report.targets.digital_share.target;
  chart.append(svg('line', { x1: pad, x2: w - pad, y1: y(target), y2: y(target), stroke: '#a4000f', 'stroke-dasharray': '6 4' }));
  chart.append(svg('text', { x: w - pad, y: y(target) - 4, 'font-size': 11, 'text-anchor': 'end', fill: '#a4000f' }, `${t('target')} ${pct(target)}`));
  for (const [key, colour] of [['self_service_rate', '#1a6b2a'], ['digital_share', '#00538a']]) {
    const points = report.trend.map((r, i) => `${x(i)},${y(r[key])}`).join(' ');
    chart.append(svg('polyline', { points, fill: 'none', stroke: colour, 'stroke-width': 2 }));
    report.trend.forEach((r, i) => chart.append(svg('circle', { cx: x(i), cy: y(r[key]), r: 3, fill: colour }, svg('title', {}, `${r.period} ${t(key)}: ${pct(r[key])}`))));
  }
  chart.append(svg('text', { x: pad, y: h + 20, 'font-size': 11, fill: '#1a6b2a' }, `— ${t('self_service_rate')}`));
  chart.append(svg('text', { x: pad + 200, y: h + 20, 'font-size': 11, fill: '#00538a' }, `— ${t('digital_share')}`));
  for (const v of [0, 0.5, 1]) chart.append(svg('text', { x: 4, y: y(v) + 4, 'font-size': 10 }, pct(v)));
  return chart;
}

async function reportsPage() {
  const nav = state.nav;  // a later navigation wins: this page then renders nothing
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const year = new Date().getFullYear();
  const form = h('form', { class: 'grid', id: 'report-form', onsubmit: (e) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const name of ['from', 'to', 'bucket', 'shift']) if (form.elements[name].value) q.set(name, form.elements[name].value);
    location.hash = `#/reports?${q}`;
  } },
  h('label', { for: 'from' }, t('from'), h('input', { type: 'date', id: 'from', name: 'from', value: params.get('from') || `${year}-01-01` })),
  h('label', { for: 'to' }, t('to'), h('input', { type: 'date', id: 'to', name: 'to', value: params.get('to') || `${year + 1}-01-01` })),
  h('label', { for: 'bucket' }, t('bucket'), select('bucket', [['month', t('month')], ['week', t('week')]], params.get('bucket') || 'month')),
  h('label', { for: 'shift' }, t('shift'), h('input', { id: 'shift', name: 'shift', value: params.get('shift') || 'phone:digital_self_service:0.2' })),
  h('button', { type: 'submit', class: 'primary' }, t('show')));
  const q = new URLSearchParams({ from: form.elements.from.value, to: form.elements.to.value, bucket: form.elements.bucket.value });
  if (form.elements.shift.value) q.set('shift', form.elements.shift.value);
  const r = await api('GET', `/api/v1/reports/channels?${q}`);
  await loadAreas().catch(() => null);
  const channelName = (key) => (r.channels.find((c) => c.channel === key) || {}).label_da || channelText(key);
  const queueSection = await queueReportSection(form.elements.from.value, form.elements.to.value);
  const csv = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    const res = await fetch(`/api/v1/reports/channels?${q}&format=csv`, { headers: authHeaders('GET'), credentials: 'same-origin' });
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', { href: url, download: `kanalrapport-${q.get('from')}-${q.get('to')}.csv` });
    document.body.append(a); a.click(); a.remove(); URL.revokeObjectURL(url);
  } }, t('csv'));
  const facts = h('dl', { class: 'facts', id: 'report-facts' }, ...[
    [t('inquiries'), r.inquiries.toLocaleString('da-DK')],
    [t('digital_share'), `${pct(r.targets.digital_share.actual)} (${t('target')} ${pct(r.targets.digital_share.target)})`],
    [t('digital_written'), `${pct(r.targets.digital_written_share.actual)} (${t('target')} ${pct(r.targets.digital_written_share.target)})`],
    [t('self_service_rate'), `${pct(r.self_service_rate)} (${r.self_service_transactions} / ${r.transactions})`],
    [t('first_contact'), pct(r.first_contact_share)],
    [t('other_authorities'), String(r.for_other_authorities)], [t('forwarded'), String(r.forwarded)],
    [t('kept'), `${r.deadlines.kept} / ${r.deadlines.kept + r.deadlines.breached} (${pct(r.deadlines.kept_share)})`],
    [t('cost'), Math.round(r.cost_kr).toLocaleString('da-DK')]].flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  if (nav !== state.nav) return;
  show(h('h1', {}, t('reports')), form, h('div', { class: 'actions' }, csv), facts,
    h('h2', {}, t('mix')), mixChart(r),
    h('h2', {}, t('rate_vs_target')), rateChart(r),
    table([t('channel'), t('inquiries'), t('share'), t('cost'), t('source')],
      r.channels.map((c) => [c.label_da, c.inquiries.toLocaleString('da-DK'), pct(c.share), Math.round(c.cost_kr).toLocaleString('da-DK'), c.cost_source])),
    r.shifts.length ? h('div', { class: 'notice', id: 'shift-result' }, r.shifts.map((s) =>
      h('p', {}, `${t('shift')}: ${channelName(s.from)} → ${channelName(s.to)} ${pct(s.share)}: ${Math.round(s.inquiries_moved).toLocaleString('da-DK')} · ${t('saving')} ${Math.round(s.saving_kr).toLocaleString('da-DK')} kr · ${t('digital_share')} ${pct(s.digital_share_after)}`))) : null,
    h('h2', {}, t('backlog')), table([t('queue'), t('backlog'), '0-7', '8-30', '31-90', '91+'],
      r.backlog.map((b) => [b.queue, String(b.cases), ...['0-7', '8-30', '31-90', '91+'].map((k) => String(b.by_age_days[k] || 0))])),
    goalSections(r), queueSection);
}

// The service goals against what was measured, the digital share against its
// path, the KOMHEN matrix, the hour-of-day profile and the per-area strategies.
function goalSections(r) {
  const n = (x) => Number(x).toLocaleString('da-DK');
  const verdict = (met) => h('span', { class: met ? 'ok' : 'no' }, met ? t('goal_met') : t('goal_not_met'));
  const out = [];
  if (r.service_goals && r.service_goals.length) {
    out.push(h('h2', { id: 'goals-heading' }, t('goals')), h('div', { id: 'service-goals' }, table([t('channel'), t('goal'), t('measured'), t('met')],
      r.service_goals.map((g) => [g.label_da, state.lang === 'da' ? g.goal_da : g.goal_en,
        g.measured ? `${pct(g.measured_share)} (${n(g.within)} / ${n(g.counted)})` : `${t('not_measured')}: ${state.lang === 'da' ? g.not_measured_da : g.not_measured}`,
        g.measured ? verdict(g.met) : '–']))));
  }
  if (r.digital_share_path) {
    const p = r.digital_share_path;
    out.push(h('h2', {}, t('path')), h('div', { id: 'digital-share-path' }, table([t('target_by'), t('target'), t('actual'), t('met')],
      p.path.map((s) => [whenText(s.by), pct(s.share), s.by === p.in_force.by ? pct(p.actual) : '', s.by === p.in_force.by ? verdict(p.met) : '']))));
  }
  if (r.komhen) {
    const types = r.komhen.types;
    out.push(h('h2', {}, t('komhen')), h('div', { id: 'komhen' }, table([t('channel'), ...types.map((x) => x.label_da), t('total'), t('share')],
      [...r.komhen.rows.map((row) => [row.label_da, ...types.map((x) => `${n(row[x.type])} (${pct(row.type_shares[x.type])})`), n(row.inquiries), pct(row.share)]),
        [t('total'), ...types.map((x) => `${n(r.komhen.totals[x.type])} (${pct(r.komhen.totals.type_shares[x.type])})`), n(r.komhen.totals.inquiries), '']])));
  }
  if (r.hour_profile) out.push(h('h2', { id: 'hour-profile-heading' }, t('hour_profile')), hourTable(r.hour_profile));
  if (r.area_strategies && r.area_strategies.length) {
    out.push(h('h2', {}, t('area_strategy')), h('div', { id: 'area-strategies' }, table([t('area'), t('primary'), t('inquiries'), t('primary_share'), t('note')],
      r.area_strategies.map((a) => [areaText(a.area), a.primary_label_da, n(a.inquiries), pct(a.primary_share), a.note]))));
  }
  return out;
}

// A real table (hours down, weekdays across, with headers) shaded like a heat map.
function hourTable(profile) {
  const days = t('weekdays');
  const max = Math.max(1, ...profile.hours.flatMap((row) => row.by_weekday));
  const cell = (v) => {
    const level = v === 0 ? 0 : Math.min(4, 1 + Math.floor((v / max) * 4));
    return h('td', { class: `heat heat-${level}` }, Number(v).toLocaleString('da-DK'));
  };
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'hour-profile-heading', id: 'hour-profile' },
    h('table', { class: 'heatmap' },
      h('caption', { class: 'muted' }, profile.time_zone),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('hour')), days.map((d) => h('th', { scope: 'col' }, d)), h('th', { scope: 'col' }, t('total')))),
      h('tbody', {}, profile.hours.map((row) => h('tr', {},
        h('th', { scope: 'row' }, `${String(row.hour).padStart(2, '0')}-${String((row.hour + 1) % 24).padStart(2, '0')}`),
        row.by_weekday.map(cell), h('td', {}, Number(row.inquiries).toLocaleString('da-DK')))))));
}

function simulationForm() {
  const file = h('input', { type: 'file', id: 'profile-file', name: 'profile-file', accept: '.yaml,.yml', required: true });
  const scale = h('input', { type: 'number', id: 'scale', name: 'scale', min: '0.001', max: '1', step: '0.001', value: '0.01' });
  const bar = h('progress', { class: 'progress', id: 'simulation-progress', max: 1, value: 0, 'aria-label': t('simulate') });
  const label = h('p', { id: 'simulation-step', 'aria-live': 'polite' });
  const out = h('div', { id: 'simulation-result' });
  const form = h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    out.replaceChildren();
    const f = file.files[0];
    if (!f) return;
    try {
      const started = await api('POST', '/api/v1/admin/simulations', { profile: await f.text(), scale: Number(scale.value) });
      const job = await followJob(started, bar, label);
      if (job.state === 'failed') return out.replaceChildren(problemBox({ problem: { code: 'job_failed', detail: job.error } }));
      const r = job.result;
      out.replaceChildren(h('p', { class: 'ok' }, `${r.inquiries.toLocaleString('da-DK')} ${t('inquiries').toLowerCase()}, ${r.cases_opened} / ${r.cases_closed} · ${Math.round(r.seconds)} s`),
        h('p', {}, h('a', { href: '#/reports' }, t('reports'))));
    } catch (err) { out.replaceChildren(problemBox(err)); }
  } },
  h('div', { class: 'grid' }, h('label', { for: 'profile-file' }, t('profile_file'), file), h('label', { for: 'scale' }, t('scale'), scale)),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'simulation-start' }, t('start_simulation'))),
  bar, label, out);
  return form;
}

// ---------------------------------------------------------------- citizen
async function myCasesPage() {
  const nav = state.nav;  // a later navigation wins: this page then renders nothing
  const mine = await api('GET', '/api/v1/me/cases');
  const services = await servicesSection();
  const appointments = await appointmentsSection();
  const docs = await Promise.all(mine.cases.map((c) => api('GET', `/api/v1/me/cases/${c.id}/documents`)));
  const letters = await Promise.all(mine.cases.map((c) => api('GET', `/api/v1/me/cases/${c.id}/letters`)));
  await loadStageTitles();
  // The words for what is awaited: the labels of the case's form (the list of cases carries names only).
  const awaited = mine.cases.filter((c) => c.waiting_for_you);
  const forms = {};
  await Promise.all([...new Set(awaited.map((c) => c.workflow))].map(async (wf) => {
    forms[wf] = formLabels(await api('GET', `/api/v1/me/services/${encodeURIComponent(wf)}/form?lang=${state.lang}`).catch(() => null));
  }));
  const cards = mine.cases.map((c, i) => {
    const docBox = h('div', { class: 'documents' });
    docBox.append(documentTable(docs[i].documents, (d) => `/api/v1/me/cases/${c.id}/documents/${d.id}`, docBox));
    const letterBox = h('div', { class: 'letters' });
    letterBox.append(letterTable(letters[i].letters, (doc) => `/api/v1/me/cases/${c.id}/documents/${doc}`, letterBox, false));
    const reads = h('div', {});
    const button = h('button', { type: 'button', class: 'secondary', onclick: async () => {
      try {
        const a = await api('GET', `/api/v1/me/cases/${c.id}/access`);
        reads.replaceChildren(a.reads.length ? table([t('when'), t('owner'), t('unit_queue'), t('purpose')],
          a.reads.map((r) => [whenText(r.at), authorityText(r.authority), shown(r.unit), purposeText(r.purpose)])) : h('p', {}, '–'));
      } catch (err) { reads.replaceChildren(problemBox(err)); }
    } }, t('who_looked'));
    return h('article', { class: 'card', 'data-case': c.case_number },
      h('h2', {}, `${c.title || c.workflow} · ${c.case_number}`),
      h('dl', { class: 'facts' }, ...[[t('status'), statusAndStage(c)], [t('decided_by'), shown(c.decided_by)],
        [t('next_deadline'), c.next_deadline ? dayText(c.next_deadline, 'long') : '–'],
        [t('place'), c.place_in_queue ? `${c.place_in_queue.position} ${t('of')} ${c.place_in_queue.of}` : '–'],
        [t('missing'), c.waiting_for_you ? [...(c.waiting_for_you.fields || []).map((n) => labelOf(forms[c.workflow] || formLabels(null), n)),
          ...(c.waiting_for_you.attachments || []).map((n) => (forms[c.workflow] || formLabels(null)).attachment[n] || n)].join(', ') || '–' : '–']]
        .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('h3', {}, t('letters')), letterBox,
      h('h3', {}, t('documents')), docBox,
      h('div', { class: 'actions' }, h('a', { href: `#/my-cases/${c.id}`, class: 'button-link', 'data-open-case': c.case_number }, ct('case_details')), button), reads);
  });
  if (nav !== state.nav) return;
  show(h('h1', {}, t('mycases')), appointments, services, h('h2', {}, ct('your_cases')), cards.length ? cards : h('p', {}, t('no_cases')));
}

// ---------------------------------------------------------------- queue (kø og nummertræk)
const QUEUE_TEXT = {
  da: { queue: 'Kø', desk: 'Skranke', call_next: 'Kald næste', no_one: 'Ingen venter i dine grupper.', called: 'Kaldt op',
    served: 'Betjent', no_show: 'Ikke mødt', waiting: 'Venter', group: 'Gruppe', you_serve: 'Du betjener', yes: 'Ja', no: 'Nej',
    type: 'Henvendelsens art', general_information: 'Generel information', case_information: 'Information om egen sag',
    transaction: 'Ekspedition', ticket: 'Nummer', marked_served: 'Henvendelsen er registreret', marked_no_show: 'Markeret som ikke mødt',
    stats: 'Ventetider i køen', hour: 'Time', tickets: 'Numre', mean_wait: 'Gns. ventetid', p90_wait: '90 % ventetid',
    mean_service: 'Gns. betjening', all_day: 'Hele perioden' },
  en: { queue: 'Queue', desk: 'Desk', call_next: 'Call next', no_one: 'No one is waiting in your groups.', called: 'Called',
    served: 'Served', no_show: 'No-show', waiting: 'Waiting', group: 'Group', you_serve: 'You serve', yes: 'Yes', no: 'No',
    type: 'Kind of inquiry', general_information: 'General information', case_information: 'Information on own case',
    transaction: 'Transaction', ticket: 'Number', marked_served: 'The inquiry is registered', marked_no_show: 'Marked as no-show',
    stats: 'Waiting times in the queue', hour: 'Hour', tickets: 'Tickets', mean_wait: 'Mean wait', p90_wait: '90% wait',
    mean_service: 'Mean service', all_day: 'Whole period' },
};
const qt = (key) => QUEUE_TEXT[state.lang][key] || key;
const minutes = (s) => (s === null || s === undefined ? '–' : `${(s / 60).toLocaleString('da-DK', { maximumFractionDigits: 1 })} min`);

async function queuePage() {
  const nav = state.nav;
  const status = await api('GET', '/api/v1/queue/status');
  await loadAreas().catch(() => null);
  const deskKey = 'sagsflow.queue.desk';
  const desk = select('queue-desk', status.desks.map((d) => [d.id, d.name]), localStorage.getItem(deskKey) || (status.desks[0] || {}).id);
  desk.addEventListener('change', () => localStorage.setItem(deskKey, desk.value));
  const current = h('section', { id: 'queue-current', 'aria-live': 'polite' });
  const groups = table([qt('group'), qt('waiting'), qt('you_serve')],
    status.groups.map((g) => [`${g.id} ${shown(g.name)}`, String(g.waiting), g.you_serve ? qt('yes') : qt('no')]));
  const serveForm = (ticket) => {
    const group = status.groups.find((g) => g.id === ticket.group) || { areas: [] };
    const form = h('form', { class: 'grid', id: 'queue-serve' },
      h('label', { for: 'queue-type' }, qt('type'), select('queue-type', ['general_information', 'case_information', 'transaction'].map((k) => [k, qt(k)]), 'general_information')),
      h('label', { for: 'queue-area' }, t('area'), select('queue-area', group.areas.map((a) => [a, areaText(a)]), ticket.area || group.areas[0])),
      h('label', { for: 'queue-outcome' }, t('outcome'), h('input', { id: 'queue-outcome', name: 'queue-outcome' })),
      h('label', { for: 'queue-cpr' }, t('citizen'), h('input', { id: 'queue-cpr', name: 'queue-cpr', inputmode: 'numeric', placeholder: 'DDMMÅÅ-XXXX', autocomplete: 'off' })));
    const v = (name) => form.elements[name].value;
    const result = h('div', { id: 'queue-result' });
    const done = async (path, body, message) => {
      try {
        await api('POST', `/api/v1/queue/tickets/${ticket.id}/${path}`, body);
        say(message);
        await route();
      } catch (err) { result.replaceChildren(problemBox(err)); }
    };
    const buttons = h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'queue-served', onclick: () => {
        const body = { type: v('queue-type'), area: v('queue-area'), outcome: v('queue-outcome') };
        if (v('queue-cpr').trim()) body.cpr = v('queue-cpr').trim();
        done('serve', body, qt('marked_served'));
      } }, qt('served')),
      h('button', { type: 'button', class: 'secondary', id: 'queue-no-show', onclick: () => done('no-show', undefined, qt('marked_no_show')) }, qt('no_show')));
    return [h('h2', {}, [`${qt('ticket')} ${ticket.number}`, ticket.group_name, ticket.desk_name].filter(Boolean).join(' · ')), form, buttons, result];
  };
  const callButton = h('button', { type: 'button', class: 'primary', id: 'queue-call', onclick: async () => {
    try {
      const out = await api('POST', '/api/v1/queue/call-next', { desk: desk.value });
      if (!out.ticket) current.replaceChildren(h('p', { class: 'notice' }, qt('no_one')));
      else current.replaceChildren(...serveForm(out.ticket));
    } catch (err) { current.replaceChildren(problemBox(err)); }
  } }, qt('call_next'));
  if (status.your_ticket) current.replaceChildren(...serveForm(status.your_ticket));
  if (nav !== state.nav) return;
  show(h('h1', {}, qt('queue')), h('div', { class: 'grid' }, h('label', { for: 'queue-desk' }, qt('desk'), desk)),
    h('div', { class: 'actions' }, callButton), current, h('h2', {}, qt('waiting')), groups);
}

// The reports page's queue section: per group and hour of day (GET /api/v1/reports/queue).
async function queueReportSection(from, to) {
  let r;
  try { r = await api('GET', `/api/v1/reports/queue?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`); } catch (err) { return null; }
  const rows = [...r.by_hour.map((f) => [f.group, String(f.hour).padStart(2, '0'), f]), ...r.totals.map((f) => [f.group, qt('all_day'), f])]
    .map(([g, hour, f]) => [g, hour, String(f.tickets), String(f.served), String(f.no_shows), minutes(f.mean_wait_seconds), minutes(f.p90_wait_seconds), minutes(f.mean_service_seconds)]);
  return h('section', { id: 'queue-report' }, h('h2', {}, qt('stats')),
    table([qt('group'), qt('hour'), qt('tickets'), qt('served'), qt('no_show'), qt('mean_wait'), qt('p90_wait'), qt('mean_service')], rows));
}

// ---------------------------------------------------------------- frame
function navLinks() {
  const me = state.me;
  if (!me) return [];
  if (me.kind === 'citizen') return [['#/my-cases', t('mycases')]];
  const links = [['#/front-desk', t('frontdesk')], ['#/assisted', ct('assisted')], ['#/worklist', t('worklist')], ['#/reports', t('reports')]];
  links.splice(1, 0, ['#/queue', qt('queue')], ['#/tider', apt('nav')]);
  if (typeof teamNavLink === 'function' && teamNavLink(me)) links.push(teamNavLink(me));  // worklist.js: Overblik
  if (me.admin) links.push(['#/admin', t('admin')]);
  return links;
}

function frame() {
  document.documentElement.lang = state.lang;
  document.querySelectorAll('[data-t]').forEach((el) => { el.textContent = t(el.dataset.t); });
  document.getElementById('lang').textContent = t('lang');
  document.getElementById('lang').lang = state.lang === 'da' ? 'en' : 'da';  // the button names the other language in itself
  const current = location.hash.split('?')[0].split('/').slice(0, 2).join('/');
  document.getElementById('nav').replaceChildren(...navLinks().map(([href, label]) =>
    h('a', { href, 'aria-current': href === current ? 'page' : null }, label)));
  const me = state.me;
  document.getElementById('who').textContent = !me ? '' : me.kind === 'citizen' ? shown(me.citizen) : [me.name, me.unit_name].filter(Boolean).join(' · ');
  document.getElementById('signout').hidden = !me;
  if (typeof staffTools === 'function') staffTools();  // search.js: the search box and the bell (notifications.js)
}

async function route() {
  // Each navigation gets a number; a page whose data arrives after the user
  // has gone on to another page is dropped instead of replacing it.
  state.nav = (state.nav || 0) + 1;
  const nav = state.nav;
  frame();
  if (!state.me) return signInPage();
  const [, page, arg, more] = location.hash.split('?')[0].split('/');
  try {
    if (state.me.kind === 'citizen') return await citizenRoute(page, arg, more);
    if (page === 'assisted') return await assistedPage(arg);
    if (page === 'case' && arg) return await casePage(arg);
    if (page === 'worklist') return await worklistPage();
    if (page === 'team') return await teamPage();
    if (page === 'reports') return await reportsPage();
    if (page === 'queue') return await queuePage();
    if (page === 'tider') return await staffAppointmentsPage();
    if (page === 'search') return await searchPage();
    if (page === 'beskeder') return await notificationsPage();
    if (page === 'admin') return state.me.admin ? await (arg === 'workflows' ? adminWorkflowsPage() : adminPage()) : show(h('p', {}, t('forbidden_page')));
    return await frontDeskPage();
  } catch (err) {
    if (!state.me) return signInPage(t('expired'));
    if (nav === state.nav) show(problemBox(err));
  }
}

async function start() {
  // A sign-in link: #token=... (the fragment never reaches the server or its logs).
  const link = location.hash.match(/token=([A-Za-z0-9._-]+)/);
  const fromLink = link ? link[1] : null;
  if (fromLink) {
    sessionStorage.setItem('sagsflow.token', fromLink);
    history.replaceState(null, '', location.pathname + '#/');
  }
  state.me = null;
  state.areas = null;
  state.session = null;
  try { state.session = await api('GET', '/api/v1/session'); } catch (err) { state.session = null; }
  if (token() || (state.session && state.session.signed_in)) {
    try { state.me = await api('GET', '/api/v1/me'); } catch (err) { return (frame(), signInPage(t('expired'))); }
  }
  if (state.me && (!location.hash || location.hash === '#/')) location.hash = state.me.kind === 'citizen' ? '#/my-cases' : '#/front-desk';
  await route();
}

document.getElementById('lang').addEventListener('click', () => {
  state.lang = state.lang === 'da' ? 'en' : 'da';
  localStorage.setItem('sagsflow.lang', state.lang);
  route();
});
document.getElementById('signout').addEventListener('click', async () => {
  // A session is ended on the server, then at the provider (RP-initiated logout).
  if (!token() && state.session && state.session.via === 'session') {
    try {
      const out = await api('POST', '/auth/logout');
      state.session = null;
      state.me = null;
      if (out && out.redirect) { location.href = out.redirect; return; }
    } catch (err) { /* ended already: the page signs in again */ }
  }
  sessionStorage.removeItem('sagsflow.token');
  state.session = null;
  state.me = null;
  location.hash = '#/';
  route();
});
window.addEventListener('hashchange', route);
start();
