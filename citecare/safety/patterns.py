"""Word lists and regular expressions of the safety layer (used by :mod:`citecare.safety.guard`).

Every pattern runs on lower-cased, normalised text (see ``safety.normalise``). To stay linear-time on
hostile input, no pattern has an unbounded gap: words are ``[a-z']{1,25}`` and gaps are
``[^.?!;\\n]{0,N}``, so the work per start position is bounded by a constant.
"""

from __future__ import annotations

import re
from re import Pattern

# A word and a bounded same-clause gap; both keep the regexes linear-time.
W = r"[a-z0-9'-]{1,25}"


def gap(n: int) -> str:
    return rf"[^.?!;\n]{{0,{n}}}"


def rx(pattern: str) -> Pattern[str]:
    return re.compile(pattern)


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ----------------------------------------------------------------------------- typos → words
TYPO_FIXES: dict[str, str] = {
    "cant": "can't", "cannt": "can't", "carnt": "can't", "caint": "can't", "dont": "don't", "wont": "won't",
    "doesnt": "doesn't", "didnt": "didn't", "isnt": "isn't", "couldnt": "couldn't", "shouldnt": "shouldn't",
    "im": "i'm", "ive": "i've", "hes": "he's", "shes": "she's", "theyre": "they're", "u": "you", "ur": "your",
    "pls": "please", "plz": "please", "pian": "pain", "pains": "pain", "payn": "pain", "chets": "chest",
    "chst": "chest", "brething": "breathing", "breating": "breathing", "breathin": "breathing",
    "breth": "breathe", "brethe": "breathe", "brath": "breathe", "breathh": "breathe",
    "od'd": "overdosed", "oded": "overdosed", "o.d.'d": "overdosed", "o.d.": "overdose", "overdoes": "overdose",
    "overdosd": "overdosed", "ovrdose": "overdose", "overdoesed": "overdosed",
    "suicde": "suicide", "sucide": "suicide", "suiside": "suicide", "suicied": "suicide", "suacide": "suicide",
    "suicidle": "suicidal", "sucidal": "suicidal", "suisidal": "suicidal",
    "unconcious": "unconscious", "unconsious": "unconscious", "unconsciouse": "unconscious",
    "siezure": "seizure", "sezure": "seizure", "seizue": "seizure", "siezures": "seizures",
    "bleding": "bleeding", "bleeing": "bleeding", "bledding": "bleeding", "bleading": "bleeding",
    "feaver": "fever", "fevor": "fever", "fevar": "fever", "fevre": "fever", "fver": "fever",
    "temprature": "temperature", "tempature": "temperature", "temperture": "temperature", "temp": "temperature",
    "chils": "chills", "chillls": "chills", "nek": "neck", "swolen": "swollen", "swollan": "swollen",
    "sweling": "swelling", "swelin": "swelling", "throt": "throat", "thraot": "throat", "alergic": "allergic",
    "allergc": "allergic", "anaphalaxis": "anaphylaxis", "anaphylaxsis": "anaphylaxis", "anafalaxis": "anaphylaxis",
    "confussed": "confused", "confued": "confused", "confuesd": "confused", "fainded": "fainted",
    "feinted": "fainted", "fanted": "fainted", "hart": "heart", "attak": "attack", "atack": "attack",
    "stroak": "stroke", "slured": "slurred", "slurrd": "slurred", "dieing": "dying", "wanna": "want to",
    "gonna": "going to", "methotrexat": "methotrexate", "methatrexate": "methotrexate",
    "methotraxate": "methotrexate", "metotrexate": "methotrexate", "predisone": "prednisone",
    "prednizone": "prednisone", "prednisome": "prednisone", "predinsone": "prednisone", "ween": "wean",
    "weening": "weaning", "nessasary": "necessary", "neccessary": "necessary", "necesary": "necessary",
    "dosage": "dosage", "dosege": "dosage", "medicene": "medicine", "medecine": "medicine", "perscription": "prescription",
}

# ----------------------------------------------------------------------------- medicines
# Names of medicines people ask about (brands and generics, incl. common misspellings), plus
# generic suffixes; used both for "is a medicine mentioned" and for the immunosuppressant context.
_IMMUNO_NAMES = r"""methotrexate|metho|mtx|otrexup|rasuvo|trexall|prednisone|prednisolone|predni[a-z]{0,8}|pred|
steroids?|corticosteroids?|cortisone|hydrocortisone|dexamethasone|methylpred[a-z]{0,10}|medrol|deltasone|
immunosuppress[a-z]{0,10}|immuno-?suppress[a-z]{0,10}|immune[- ]suppress[a-z]{0,10}|immunocompromised|
immune[- ]?compromised|weak(ened)? immune system|low immune system|biologics?|humira|adalimumab|enbrel|etanercept|
remicade|infliximab|simponi|golimumab|cimzia|certolizumab|tnf|anti-tnf|tnf inhibitors?|rituximab|rituxan|actemra|
tocilizumab|orencia|abatacept|kevzara|azathioprine|imuran|mycophenolate|cellcept|myfortic|cyclosporine|ciclosporin|
tacrolimus|prograf|leflunomide|arava|xeljanz|tofacitinib|olumiant|baricitinib|rinvoq|upadacitinib|jak inhibitors?|
chemo|chemotherapy|transplant|stelara|ustekinumab|cosentyx|secukinumab|ocrevus|cyclophosphamide|benlysta|
belimumab|saphnelo|anifrolumab|sulfasalazine|hydroxychloroquine|plaquenil|entyvio|skyrizi|dupixent|kineret|ilaris"""
IMMUNO = rx(r"\b(?:" + _IMMUNO_NAMES.replace("\n", "") + r")\b")

_OTHER_DRUGS = r"""ibuprofen|advil|motrin|nurofen|naproxen|aleve|naprosyn|aspirin|tylenol|acetaminophen|paracetamol|
panadol|tramadol|ultram|oxycodone|oxycontin|percocet|hydrocodone|hydrocodene|vicodin|norco|codeine|morphine|
fentanyl|duragesic|buprenorphine|butrans|hydromorphone|dilaudid|methadone|opioids?|opiates?|painkillers?|
pain killers?|gabapentin|gabamentine|gabbentine|neurontin|lyrica|pregabalin|cymbalta|duloxetine|effexor|venlafaxine|
amitriptyline|nortriptyline|meloxicam|mobic|diclofenac|voltaren|voltarel|cataflam|celecoxib|celebrex|toradol|
ketorolac|indomethacin|nsaids?|muscle relax[a-z]{0,6}|cyclobenzaprine|flexeril|baclofen|tizanidine|folic acid|
leucovorin|insulin|warfarin|coumadin|eliquis|apixaban|xarelto|blood thinners?|antibiotics?|amoxicillin|penicillin|
doxycycline|bactrim|trimethoprim|cipro|ciprofloxacin|zithromax|azithromycin|antidepressants?|sertraline|zoloft|
prozac|fluoxetine|xanax|alprazolam|valium|diazepam|ambien|zolpidem|benadryl|antihistamines?|omeprazole|prilosec|
pantoprazole|nexium|metformin|lisinopril|amlodipine|atorvastatin|lipitor|levothyroxine|synthroid|triamcinolone|
kenalog|betamethasone|budesonide|fluticasone|inhalers?|epipen|epinephrine|vaccines?|shingrix|zostavax|prevnar|
pneumovax|colchicine|allopurinol|probenecid|lidocaine|capsaicin|cortisone shots?|steroid shots?|aclidinium"""
_SUFFIX_DRUG = r"[a-z]{3,20}(?:mab|nib|cept|olone|asone|azole|cillin|mycin|cycline|pril|sartan|statin|prazole|oxetine|triptyline|profen|coxib|codone|morphone|azepam|olol|dipine)"
DRUG = rx(r"\b(?:" + _IMMUNO_NAMES.replace("\n", "") + "|" + _OTHER_DRUGS.replace("\n", "") + "|" + _SUFFIX_DRUG + r")\b")

MED_WORD = rx(
    r"\b(?:meds?|medic(?:ine|ines|ation|ations)|pills?|tablets?|capsules?|doses?|dosage|dosing|drugs?|injections?|"
    r"shots?|jabs?|infusions?|prescriptions?|treatment|therapy|patch(?:es)?|mg|mgs|milligrams?|mcg)\b"
    r"|\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|ml|milligrams?)\b"
)
PRONOUN_REF = rx(r"\b(?:it|them|this|these|that|those)\b")

# ----------------------------------------------------------------------------- emergency: helpers
SUBJECT = (
    rf"(?:i|i'm|i've|i'd|he|he's|she|she's|they|they're|we|we're|(?:my|his|her|their|our)\s+{W}(?:\s+{W})?|"
    r"and|but|also|still|now|suddenly|just|baby|husband|wife|son|daughter|mom|mum|dad|child|kid|partner|someone)"
)
REPORT_VERB = (
    r"(?:am|is|are|was|were|have|has|had|having|get|gets|getting|got|feel|feels|feeling|felt|keep|keeps|can't|"
    r"cannot|couldn't|won't|isn't|doesn't|didn't|started|starting|began|developed|woke|took|ate|swallowed|fainted|"
    r"collapsed|passed|blacked|think|thinks|seem|seems|look|looks|been|running|spiking|developing|coughing|"
    r"vomiting|throwing|bleeding|slurring|shaking|shivering|hurts|hurt|hurting|aches|burns|went|turned|just)"
)
REPORT_CUE = rx(
    rf"\b{SUBJECT}\s+(?:(?:really|suddenly|just|now|also|still|been|got|very)\s+)?{REPORT_VERB}\b"
    r"|\b(?:right now|now(?! that)|currently|at the moment|tonight|today|yesterday|last night|all (?:day|night)|"
    r"suddenly|all of a sudden|out of nowhere|getting worse|worse and worse|please help|help me please|"
    r"somebody help|need help now|urgent|emergency|ambulance|scared|is it normal|is this normal|what do i do|"
    r"what do we do|what should i do now)\b|\bhelp\s*!"
    r"|\bsince (?:this|last|yesterday|tonight|\d|an? (?:hour|day|few)|few|i woke|waking|then|the morning|lunch|"
    r"breakfast|dinner|my (?:injection|shot|infusion|dose|first dose))"
    r"|\bfor (?:the )?(?:last |past )?(?:\d+|a|an|few|couple|several) (?:of )?(?:minutes?|mins?|hours?|hrs?|days?)\b"
    r"|\b(?:\d+|a|an|few|couple of) (?:minutes?|mins?|hours?|hrs?) ago\b"
    r"|\bthis (?:morning|afternoon|evening)\b"
)
# A clause about a symptom rather than a report of one happening.
ABOUT = rx(
    r"^\s*(?:what|what's|whats|which|why|how|where|who|define|explain|describe|information|info|list|"
    r"tell me (?:about|what|more)|meaning of|when (?:should|do|does|to|is|would|can|might))\b"
    r"|^\s*(?:can|could|do|does|will|would|might|may|is it possible to|is it possible for)\s+"
    r"(?:you|one|someone|people|a person|anyone|patients)\b"
    r"|\b(?:cause[sd]?|causing|lead to|leads to|result in|trigger|triggers|side[ -]?effects?|adverse|symptoms? of|"
    r"signs? of|warning signs?|risks? of|risk factors?|associated with|linked to|related to|a sign|a symptom|"
    r"common|rare|mean|means|definition|know if|tell if|worry about|prevent|avoid|dangerous|serious)\b"
)
PAST_ONLY = rx(
    r"\b(?:last (?:week|month|year|summer|winter|spring|fall)|(?:weeks|months|years) ago|a (?:month|year) ago|"
    r"used to|in the past|in (?:19|20)\d\d|as a (?:child|kid|teenager)|history of|once had)\b"
)
NEGATED = rx(r"\b(?:no|not|never|without|don't have|doesn't have|didn't have|haven't had|hasn't had|free of|denies|deny)\s+(?:[a-z']{1,25}\s+){0,2}$")
# Conditional clauses ("if I get a fever ...") describe a possibility, not an event, unless "now".
CONDITIONAL = rx(r"\b(?:if|whether|in case|unless)\b[^.?!;,\n]{0,200}")
NOW_CUE = rx(r"\b(?:right now|now|currently|at the moment|this (?:morning|afternoon|evening)|tonight|today)\b")
CLAUSE_SPLIT = rx(r"[?!;\n]+|[.,](?!\d)|\s(?:but|so)\s")

# ----------------------------------------------------------------------------- emergency: symptoms
# Each category: (name, strong patterns, intrinsic patterns). "Intrinsic" patterns report an event by
# themselves ("I can't breathe", "he passed out"); the others need a report cue or a clause that is not
# a question about the symptom.
FEVER = rx(
    r"\b(?:fever\w{0,4}|feverish|high temperature|running a temperature|temperature[: ]*(?:(?:of|is|was|at|hit|reached|"
    r"went up to|around|over)\s*)?\d{2,3}|chills|shivering|shivers|shaking chills|rigou?rs|night sweats|sweats and chills|"
    r"hot and cold)\b"
    r"|\b(?:3[89]|4[0-2])(?:[.,]\d)?\s*(?:°\s*c?|c\b|degrees)|\b(?:100(?:[.,][4-9])?|10[1-6](?:[.,]\d)?)\s*(?:°\s*f?|f\b|degrees)"
)
INFECTION_WEAK = rx(
    r"\b(?:an infection|infection|infected|sepsis|septic|pus|oozing|red and (?:hot|swollen)|red, hot|"
    r"(?:feel|feels|feeling|felt) (?:really |very |so |super )?(?:sick|ill|unwell|awful|terrible|rough|shivery))\b"
)
FEVER_RED_FLAG = rx(
    r"\b(?:stiff neck|neck (?:is |feels |so )?stiff|can't (?:bend|move) (?:my|his|her) neck|rash (?:that )?(?:doesn't|won't|does not|didn't) fade|"
    r"purple (?:spots|rash|blotches)|non-blanching|(?:very|really|so) (?:drowsy|sleepy)|hard to wake|floppy|seizure|fits?)\b"
)
CHEST = rx(
    r"\bchest\s*(?:pain|hurt\w{0,3}|ache\w{0,3}|tight\w{0,4}|pressure|discomfort|heaviness|squeez\w{0,4}|crushing)"
    rf"|\bchest (?:is|feels|feel|keeps|has been|started|still)\s+(?:{W}\s+)?(?:hurt\w{{0,3}}|tight\w{{0,4}}|heavy|pound\w{{0,3}}|"
    r"killing|burning|aching|squeez\w{0,4}|pain\w{0,3}|crushing|like (?:an elephant|a weight|something))"
    r"|\bpain (?:in|on|across) (?:my|his|her|the|their) chest|\bcrushing (?:chest )?pain|\bheart attack"
    r"|\b(?:clutching|grabbing|holding|gripping) (?:my|his|her|their) chest"
    r"|\bheart\b[^.?!;\n]{0,25}\b(?:squeez\w{0,3}|crush\w{0,3}|being crushed|in a vice)"
    r"|\bpain (?:spreading|going|radiating|shooting|moving) (?:down|to|into|up) (?:my|his|her|the) (?:left )?(?:arm|jaw|neck)"
)
BREATHING = rx(
    r"\b(?:short(?:ness)? of breath|out of breath|breathless\w{0,4}|wheez\w{1,4}|(?:breathing|breaths?) (?:is |are |has |became |getting |feels )?"
    r"(?:very |really |so )?(?:fast|rapid|hard|labou?red|difficult|shallow|noisy|funny|weird|strange)|suffocat\w{1,4}|"
    r"trouble breathing|difficulty breathing|difficult breathing|struggling for (?:air|breath)|hard to breathe|"
    r"difficult to breathe|can barely breathe|barely breathing)\b"
)
BREATHING_NOW = rx(
    r"\b(?:can't|cannot|can not|couldn't|could not|unable to|struggling to|struggle to|not able to|can hardly|can barely|"
    r"could hardly|could barely)\s+(?:to\s+)?"
    r"(?:breath(?:e|ing)?|breathe properly|get (?:a |my |his |her )?breath|catch (?:my|his|her|a) breath)\b"
    r"(?! (?:through|out of|thru) (?:my|his|her|the) nose)"
    r"|\b(?:not breathing|stopped breathing|isn't breathing|is choking|choking|gasping|gasping for air|air hunger|"
    r"(?:lips|face|skin) (?:are |is |turning |turned |going |went )+(?:blue|grey|gray)|(?:turning|turned|gone|going) (?:blue|grey|gray))\b"
    r"|\b(?:can't|cannot|can not|couldn't|not|unable to|struggling to) (?:get|getting) (?:enough |any )?air\b"
)
STROKE = rx(
    r"\b(?:face|mouth|smile|lip) (?:is |looks |seems |went |has |started |suddenly |all )*(?:droop\w{0,4}|lopsided|uneven|"
    r"crooked|sagging|paraly\w{1,6})\b|\bdroop\w{0,4} (?:face|mouth|eye|eyelid|smile)\b|\bone side of (?:my|his|her|the|their) "
    r"(?:face|body|mouth) (?:is |went |feels |has )?(?:droop\w{0,4}|numb|weak|paraly\w{1,6}|dropped|sagging)|\bslurr\w{1,4}|"
    r"\bspeech (?:is |sounds |became |has become )?(?:slurred|garbled|weird|strange|funny|jumbled)|\b(?:talking|speaking) "
    r"(?:funny|strangely|weird|gibberish|nonsense)|\bcan't (?:speak|talk|get (?:the |my |his |her )?words out|find (?:the |my |his |her )?words)\b|"
    r"\bcan't (?:lift|move|raise|feel) (?:my|his|her|their) (?:left |right )?(?:arm|leg|hand)|\bsudden(?:ly)? (?:\w{1,12} )?"
    r"(?:weakness|numbness|blindness|vision loss|severe headache|trouble (?:seeing|speaking|walking|talking))|\bworst headache|"
    r"\b(?:numb\w{0,4}|weak\w{0,4}|paraly\w{1,6}|droop\w{0,4}|tingl\w{1,4})\b[^.?!;\n]{0,25}\bon one side\b|"
    r"\bone[- ]sided (?:weakness|numbness|paralysis)|"
    r"\bthunderclap|\bstrokes?\b|\bmini[- ]?stroke|\b(?:lost|losing) (?:the )?(?:vision|sight) in one eye|"
    r"\bcan't see out of (?:one|my|his|her) (?:left |right )?eye|\bfast test"
)
ALLERGY = rx(
    r"\b(?:lips?|tongue|throat|mouth|eyelids?)\s+(?:is |are |has |have |feels? |started |starting |keeps |getting |got |went |"
    r"suddenly |all |really |very |so |been )*(?:swell\w{0,4}|swollen|puff\w{0,4}|closing|tight\w{0,4}|thick)"
    r"|\bswell\w{0,4} (?:of|in|on) (?:my|his|her|the|their) (?:lips?|tongue|throat|mouth|face)"
    r"|\b(?:throat|airway)\b[^.?!;\n]{0,25}\b(?:closing|tight|tightening|swell\w{0,4}|swollen)|\banaphyla\w{1,6}"
    r"|(?<!have an )(?<!had an )(?<!has an )(?<!had a )\ballergic reaction\b(?! to (?:penicillin|peanuts|nuts|sulfa|latex|bees?|shellfish))"
    r"|\b(?:used|using|use|need) (?:my|his|her|an|the) epi-?pen"
)
ALLERGY_AFTER_DOSE = rx(
    rf"\b(?:hives|rash|itch\w{{0,4}}|swell\w{{0,4}}|swollen|puffy|dizzy|faint)\b{gap(60)}\b(?:after|since|from) "
    r"(?:my|the|his|her|a|this|first|last|their) (?:\w{1,20} )?(?:injection|shot|jab|infusion|dose|pill|tablet)"
)
BLEEDING = rx(
    r"\b(?:nose)?bleed\w{0,3}\s+(?:heavily|a lot|badly|profusely|so much|everywhere|nonstop|non-stop|and (?:it )?won't stop|"
    r"that won't stop|won't stop|will not stop|doesn't stop|does not stop|isn't stopping|not stopping|for (?:an|over an|\d+) hours?)"
    r"|\b(?:lots of|so much|a lot of|pool of|soaked in|losing a lot of|losing so much) blood"
    r"|\bblood (?:everywhere|pouring|gushing|spurting|is pouring|won't stop)"
    r"|\b(?:vomit\w{0,3}|throw\w{0,3} up|threw up|puk\w{1,3}|cough\w{0,3} up|spit\w{0,4} up) (?:up )?(?:blood|coffee grounds|what looks like coffee grounds)"
    r"|\bblood in (?:my|his|her|their) (?:vomit|sick)|\b(?:black|tarry) (?:tarry )?(?:stools?|poop|poo)\b"
)
BLEEDING_NOW = rx(
    r"\bcan't stop (?:the |his |her |my |this |their )?(?:nose)?bleed\w{0,3}|\bstop (?:the|this|his|her|my|their) bleeding"
    r"|\b(?:(?:nose)?bleed\w{0,3}|blood)\b[^.?!;\n]{0,50}\b(?:won't|will not|doesn't|does not|isn't|can't|cannot) (?:stop|be stopped)"
)
COLLAPSE = rx(
    r"\b(?:faint|fainting|feel faint|seizures?|convuls\w{1,5}|having a fit|confusion|disoriented|delirious|"
    r"(?:is|very|really|suddenly|so|seems|seem|been|acting|gets|getting|got|became|becoming|more|badly) confused|"
    r"doesn't know where (?:he|she|i|they) (?:is|am|are)|doesn't recognize|not making (?:any )?sense|making no sense|"
    r"can't stay awake|very drowsy|keeps? passing out|hard to wake|(?:going to|about to|gonna) (?:pass out|faint|black out|collapse)|"
    r"feel(?:s|ing)? like (?:i'm |he's |she's )?(?:passing out|fainting|blacking out))\b"
)
COLLAPSE_NOW = rx(
    r"\b(?:fainted|passed out|blacked out|unconscious|unresponsive|not responding|won't respond|isn't responding|collapsed|"
    r"won't wake|can't wake|cannot wake|not waking|can't be woken|is having a seizure|having a seizure)\b"
)
OD_DRUG = (
    r"(?:pills?|tablets?|capsules?|meds|medicines?|medications?|gummies|patch(?:es)?|"
    + _IMMUNO_NAMES.replace("\n", "") + "|" + _OTHER_DRUGS.replace("\n", "") + "|" + _SUFFIX_DRUG + ")"
)
OVERDOSE = rx(r"\b(?:overdose|overdosing|over-?dose)\b")
OVERDOSE_NOW = rx(
    r"\b(?:overdosed|over-?dosed|double[ -]?dosed)\b"
    r"|\b(?:took|taken|have taken|has taken|ate|swallowed) (?:way |far )?(?:too (?:much|many)|an overdose|a lot of (?:pills|tablets|"
    rf"{W})|a whole|the whole|all (?:of )?(?:my|his|her|the|their)|an extra|extra|double|twice|two doses|2 doses|both doses|"
    rf"the wrong (?:pill|pills|medicine|medication|dose|meds)|someone else'?s|(?:a|the) (?:bottle|handful|pack|box) of)"
    rf"|\btook (?:my|his|her|their) (?:{W} ){{0,3}}(?:twice|two times|2 times|again by mistake|double)"
    rf"|\b(?:accidentally|accidently|by mistake|by accident|mistakenly)\b{gap(40)}\b(?:took|taken|gave|given|swallowed|ate|injected|double\w{{0,3}})\b"
    rf"|\b(?:took|taken|gave|given|swallowed|ate|injected|doubled)\b{gap(40)}\b(?:accidentally|accidently|by mistake|by accident|mistakenly)\b"
    r"|\b(?:ate|swallowed|got into|chewed|eaten) (?:some |a few |a bunch of |a handful of |a bottle of |the |my |his |her |all |of |"
    r"a strip |a sheet |a packet |a pack |a blister pack |several |one |two |three |\d+ )*"
    rf"(?:{W} )?(?:pills|tablets|medicine|meds|capsules|gummies|patch)\b"
    r"|\b(?:gave|given) (?:him|her|them|my \w{1,20}) (?:too (?:much|many)|double|twice|an extra|the wrong)"
    r"|\b(?:daily|every day|each day) instead of (?:weekly|once a week)"
    r"|\b(?:took|taken|taking|been taking)\b[^.?!;\n]{0,40}\bweekly\b[^.?!;\n]{0,30}\b(?:every day|daily|each day|every morning|every night)\b"
    r"|\b(?:ate|swallowed|got into|chewed|eaten|took|taken) (?:a bunch|a handful|a bottle|a box|a pack|a packet|a lot|loads|lots|"
    rf"a whole (?:bottle|box|pack|packet|strip)|all|the rest) of (?:my |his |her |the |their |your )?(?:{W} )?{OD_DRUG}\b"
    r"|\b(?:toddler|child|kid|baby|son|daughter|grandson|granddaughter|grandchild|dog|puppy|cat) (?:ate|swallowed|got into|chewed|"
    rf"has eaten|has swallowed|might have eaten|may have swallowed)\b{gap(40)}\b{OD_DRUG}\b"
)
SELF_HARM = rx(
    r"\bsuicid\w{0,5}|\bself[- ]?harm\w{0,3}|\bthoughts? of (?:dying|death|ending it)|\bhurt(?:ing)? myself|\bcutting myself"
)
SELF_HARM_NOW = rx(
    r"\b(?:kill|killing|harm|harming|starve|starving) (?:my|him|her|them)sel(?:f|ves)\b"
    r"|\b(?:want|wants|wanted|wanting|going|planning|plan|ready|trying|tried|about) to (?:die|end it|be dead|not be here|disappear forever|hurt myself|cut myself)\b"
    r"|\b(?:thinking (?:about|of)|urge to|feel like) (?:hurting|cutting|killing|harming) (?:my|him|her)self"
    r"|\bend(?:ing)? (?:my|his|her|their) (?:own )?li(?:fe|ves)|\bend(?:ing)? it all|\btake (?:my|his|her) (?:own )?life"
    r"|\b(?:don't|do not|doesn't|does not|didn't) want to (?:live|be alive|be here anymore|wake up|exist|go on)"
    r"|\bno (?:reason|point) (?:to|in) (?:live|living|going on|being alive|carry on)"
    r"|\b(?:don't|do not|can't|cannot) see (?:the|any) (?:point|reason) (?:in|of|to) (?:living|life|live|going on|being alive|carry on)"
    r"|\b(?:going to|want to|plan to|planning to|thinking (?:about|of)) (?:take|taking|swallow|swallowing) (?:all|every one of|"
    r"a whole bottle of|the whole bottle of) (?:of )?(?:my |his |her |the )?(?:pills|tablets|meds|medicine|medication)|\bbetter off (?:dead|without me|without him|without her)"
    r"|\bcan't go on\b|\bcan't (?:take|do) (?:it|this) any ?more\b|\bnot worth living|\bunalive\w{0,4}|\b(?:overdose|od) on purpose"
    r"|\bwish (?:i|he|she) (?:was|were) dead|\bwish i (?:could )?(?:die|disappear|wouldn't wake up)|\bi'm suicidal|\bfeel(?:ing)? suicidal"
)
ASKS_FOR_HELP = rx(r"^\W*(?:emergency|call (?:an |the )?ambulance|ambulance|sos)\W*$")

# ----------------------------------------------------------------------------- personal medication advice
_PERSON = rf"(?:i|we|he|she|you|my (?!doctor|rheum|nurse|gp\b|pharmac|specialist|consultant){W}(?: {W})?)"
_FRAME = (
    rf"(?:(?:can|could|should|shall|may|must) {_PERSON}|(?:i|we|he|she|you) (?:can|could|should|may)|do i (?:need|have) to|"
    r"does (?:he|she) (?:need|have) to|is it (?:ok|okay|safe|alright|fine|wise|necessary|possible|too late|time|better) "
    r"(?:for (?:me|him|her|us) )?to|ok to|okay to|safe to|how (?:do|can|should|would) (?:i|we|you|he|she)|how to|"
    r"when (?:can|should|do) (?:i|we|he|she)|wants? to|want to|going to|thinking (?:about|of)|planning (?:to|on)|plan to|"
    r"decided to|like to|tell me to|tell (?:him|her) to|help me|allowed to|i'll|i will|let me|try to|trying to|if i|"
    r"if (?:he|she|we)|what if i)"
)
_ACTION = (
    r"(?:stop|stopping|quit|quitting|come off|coming off|get off|getting off|go off|going off|wean|weaning|taper|tapering|"
    r"skip|skipping|pause|hold off|halt|cut back|cut down|cut out|reduce|lower|decrease|increase|raise|up|double|halve|"
    r"split|change|switch|adjust|restart|drop|miss|discontinue|go back on|resume|keep taking|continue taking|keep|continue|"
    r"take (?:a |an )?(?:double|extra|more|less|half|two|2|both))"
)
_MED_TARGET = (
    r"(?:meds?|medic(?:ine|ines|ation|ations)|pills?|tablets?|capsules?|doses?|dosage|dosing|drugs?|injections?|shots?|"
    r"infusions?|prescriptions?|treatment|therapy|patch(?:es)?|mg|milligrams?|it|them|" + _SUFFIX_DRUG + "|"
    + _IMMUNO_NAMES.replace("\n", "") + "|" + _OTHER_DRUGS.replace("\n", "") + ")"
)
CHANGE_DOSE = rx(
    rf"\b{_FRAME}\s+(?:{W}\s+){{0,2}}?{_ACTION}\s+(?:(?:taking|using|on|off|of|back on|down on|out|with)\s+){{0,2}}"
    rf"(?:(?:my|the|his|her|this|that|these|those|a|an|your|their|our|all)\s+)?(?:{W}\s+){{0,2}}?(?P<target>{_MED_TARGET})\b"
)
ADVICE: tuple[tuple[str, Pattern[str], bool], ...] = (
    # (reason, pattern, needs a medicine mention in the message or the history)
    ("change_dose_or_stop", CHANGE_DOSE, False),
    ("reports_change", rx(
        rf"\b(?:i|he|she|we|my (?!doctor|rheum|nurse|gp\b|pharmac|specialist|consultant){W})\s+(?:{W}\s+)?(?:stopped|quit|skipped|missed|forgot|doubled|halved|reduced|increased|"
        r"cut down|came off|went off|ran out of|run out of|lowered|tapered|stopped taking)\b"), True),
    ("reports_change", rx(r"^\W*(?:ran|run|running|have run|i've run) out of\b"), True),
    ("start_or_take", rx(
        rf"\b(?:can|could|should|may|shall) (?:i|he|she|we|my {W}(?: {W})?) (?:still )?(?:take|start|use|try|have|give|get|be on|go on|"
        r"drink|mix|combine|inject)\b"), True),
    ("combine", rx(
        r"\b(?:can|could|should|may|is it (?:ok|okay|safe|alright|fine|bad|dangerous)(?: for (?:me|him|her|you|someone))? to|"
        rf"ok to|okay to|safe to|is there a problem|any problem)\s+(?:{W}\s+){{0,2}}?(?:take|taking|drink|drinking|use|using|mix|"
        rf"mixing|have|combine|combining|give)\b{gap(60)}\b(?:with|along with|together|alongside|and|while|when|whilst|after|"
        r"before|on|during|if)\b"), True),
    ("combine", rx(r"\bbe taken (?:with|together|after|before|while|when|on)\b"), True),
    ("combine", rx(rf"\b(?:if|when) (?:i|you|we) (?:take|mix|combine)\b{gap(60)}\btogether\b"), True),
    ("dose_amount", rx(
        rf"\bhow (?:many|much)\b{gap(40)}\b(?:should|can|could|do|must|would|to|shall)\s+(?:i|he|she|we|you|my {W})?\s*"
        r"(?:take|give|use|have|inject|get|be taking|start)\b"), False),
    ("dose_amount", rx(
        rf"\bhow (?:many|much) (?:mg|mgs|milligrams?|mcg|micrograms?|grams?|units?|ml|tablets?|pills?|capsules?)\b{gap(30)}"
        r"\b(?:for|to|per|a day|daily|each|should)\b"), False),
    ("dose_amount", rx(
        r"\b(?:what|which)(?:'s| is| are)? (?:the |a |my )?(?:right |correct |safe |safest |best |proper |maximum |max |ideal |"
        rf"recommended |starting |usual )?(?:dose|dosage|amount|strength)\b{gap(40)}\b(?:for me|should|do i|i should|to take|can i)"), False),
    ("dose_amount", rx(r"\b(?:safe|right|correct|safest|proper|best) (?:dose|dosage)\b"), False),
    ("dose_amount", rx(rf"\b(?:maximum|max|most|limit)\b{gap(30)}\b(?:i|you|he|she) (?:can|should|could) (?:take|have|give)\b"), False),
    ("missed_dose", rx(
        r"\b(?:missed|miss|forgot|forgotten|forget|skipped|skip|late with)\s+(?:to take\s+)?(?:my|a|his|her|the|this|last|one|"
        r"yesterday's|today's|this week's|last week's|two|2)?\s*(?:weekly |daily |morning |evening |night |last )?"
        rf"(?:dose|doses|pill|pills|shot|injection|infusion|tablet|tablets|meds|medication|medicine|{W}'s dose)\b"), False),
    ("missed_dose", rx(r"\b(?:should|can|do) i (?:take|have) (?:two|2|both|a double|double|an extra)\b|\bmake up (?:for )?(?:the|a|my) (?:missed )?dose"), False),
    ("duration_or_timing", rx(
        r"\bhow long (?:can|should|do|must) (?:i|he|she|we)\s+(?:keep |stay |be |continue |still )?(?:tak\w{1,3}|on|us\w{1,3})\b"
        r"|\bhow long can (?:you|one|someone|people) (?:keep |stay |be |continue )?(?:tak\w{1,3}|on|us\w{1,3})\b"), True),
    ("duration_or_timing", rx(
        r"\bhow often (?:can|should|do|must) (?:i|he|she|we)\s+(?:take|get|have|use|inject|give|apply)\b"
        rf"(?!{gap(30)}(?:vaccin|shingrix|blood|lab|test|check|scan|x-ray|eye exam|booster|flu shot))"
        r"|\bhow often can (?:you|one) (?:take|get|have|use)\b"
        rf"(?!{gap(30)}(?:vaccin|shingrix|blood|lab|test|check|scan|x-ray|eye exam|booster|flu shot))"), True),
    ("duration_or_timing", rx(
        r"\bhow soon (?:can|should|after|before)\b|\bwhen (?:can|should|do) (?:i|he|she|we) (?:take|start|stop|restart|resume|"
        rf"give|have|inject)\b|\bhow long (?:after|before|between)\b{gap(50)}\b(?:can|should) (?:i|you|he|she)\s+(?:take|have|"
        r"drink|give|use|start)\b"), True),
    ("switch_medicine", rx(r"\b(?:instead of|in place of|replace|replacing|substitute|substituting|swap|switch\w{0,3})\b"), True),
    ("which_medicine", rx(
        r"\b(?:which|what) (?:\w{1,15} )?(?:medicine|medication|drug|pill|painkiller|pain killer|pain reliever|tablet|otc|meds?)s?\b"
        rf"{gap(40)}\b(?:(?:should|can|could|do|would) (?:i|he|she|we|you|my {W}) (?:take|use|try|give|have)|to take|to use|"
        r"is best|best for|(?:do|would) you recommend)\b"
        r"|\bwhich (?:use |to use |to take )(?:medicine|medication|drug)"
        r"|\bwhat (?:can|should) (?:i|he|she|we) (?:take|use|give|try)\b"
        rf"|\b(?:recommend|prescribe|suggest)\b{gap(30)}\b(?:medicine|medication|drug|pill|painkiller|dose|something for)"), False),
    ("misuse", rx(
        rf"\b(?:inject\w{{0,3}}|snort\w{{0,3}}|smok\w{{1,3}}|crush\w{{0,3}}|chew\w{{0,3}}|dissolv\w{{1,3}})\b{gap(30)}\b(?:pills?|tablets?|"
        rf"capsules?|patch(?:es)?)\b|\b(?:pills?|tablets?|capsules?|patch(?:es)?)\b{gap(30)}\b(?:inject\w{{0,3}}|snort\w{{0,3}}|smok\w{{1,3}})\b"), False),
    ("dose_conversion", rx(
        rf"\b(?:equivalent|conver(?:t|sion)\w{{0,3}})\b(?={gap(200)}(?:\d+\s*(?:mg|mcg|µg|ug|ml|units?)\b|\bdose|\bpatch))"
        rf"|(?:\d+\s*(?:mg|mcg|µg|ug|ml|units?)\b|\bdose|\bpatch){gap(200)}\b(?:equivalent|conver(?:t|sion)\w{{0,3}})\b"), False),
    ("keep_taking", rx(
        r"\b(?:should|can|do|must) (?:i|he|she|we) (?:keep|continue|still) (?:on |taking |take |using |use |with )"), True),
)

# ----------------------------------------------------------------------------- prompt injection (user messages)
INJECTION = rx(
    r"\b(?:ignore|disregard|forget|override|bypass|skip)\s+(?:all\s+|any\s+|the\s+|of\s+)*(?:your\s+|my\s+|these\s+|those\s+)?"
    r"(?:previous|prior|above|earlier|preceding|former|original|system|safety|your|all)?\s*(?:instructions?|rules|prompts?|"
    r"directions|guidelines|guardrails|restrictions|filters|policies|programming|constraints)\b"
    r"|(?:^|\n)\s*(?:system|assistant|developer)\s*:|\[/?(?:system|inst)\]|<<\s*/?sys\s*>>|</?\s*(?:system|context|instructions?|"
    r"sources?|documents?|passages?|data|user|assistant)\s*>"
    r"|\byou are now\b|\bfrom now on(?:,)? you\b|\bpretend (?:to be|you are|you're)\b|\bact as (?:an?|my)\b|\broleplay as\b"
    r"|\bdeveloper mode\b|\bjailbreak\w{0,3}\b|\bdo anything now\b|\bno (?:restrictions|rules|filters)\b"
    r"|\b(?:reveal|print|show|repeat|output|leak) (?:me )?(?:your |the )?(?:system |hidden |initial )?(?:prompt|instructions)\b"
    r"|\bnew instructions?\s*:|\bas an ai (?:you )?must\b"
)

# ----------------------------------------------------------------------------- scope
CREATIVE_TASK = rx(
    rf"\b(?:write|compose|make|generate|create|give me|tell me|sing|draft){gap(30)}\b(?:poem|poetry|haiku|limerick|song|lyrics|"
    r"rap|story|stories|essay|joke|jokes|code|script|program|function|sql|regex|tweet|novel|screenplay|sonnet)s?\b"
)
OFF_TOPIC_TASK = rx(
    r"\bhow (?:do|can|should) (?:i|you|we) (?:make|bake|cook|build|fix|repair|install|paint|knit|sew|grow|plant|clean|"
    r"decorate|train my dog|learn to play)\b|\bhow to (?:make|bake|cook|build|fix|repair|install|paint|knit|sew|grow|plant)\b"
)
OFF_TOPIC = words(
    """translate translation bread banana muffin muffins pancake pancakes dessert sandwich burger recipe recipes cook cooking bake baking cake cakes cookie cookies pasta pizza lasagna soup dinner lunch breakfast
    oven grill car cars truck engine tire tires tyre tyres oil brakes mechanic garage motorbike motorcycle bike
    football soccer basketball baseball hockey tennis golf cricket rugby nba nfl fifa team teams match score scores
    league championship world cup olympics weather forecast rain snow sunny temperature_outside poem poems poetry song
    songs lyrics music movie movies film films netflix tv series actor actress celebrity stock stocks bitcoin crypto
    cryptocurrency invest investing investment shares market python javascript java typescript sql html css code
    programming compile compiler bug debug function algorithm computer laptop iphone android wifi
    password homework math maths algebra calculus capital president election politics vote travel flight flights
    hotel hotels vacation holiday restaurant restaurants shopping fashion game games gaming minecraft fortnite
    chess joke jokes story novel book books wine beer cocktail_recipe garden gardening lawn dog_food"""
)
CHIT_CHAT = rx(
    r"^\W*(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|thanks?(?: you)?|thank you(?: very much)?|thx|ok(?:ay)?|"
    r"bye|goodbye|who are you|what are you|what can you do|are you (?:a )?(?:bot|robot|human|real|ai)|how are you|test|testing)\W*$"
)
MEDICAL_WORDS = words(
    """health healthy medical medicine medicines medication medications med meds drug drugs pill pills tablet tablets
    capsule capsules dose doses dosage dosing mg milligram milligrams prescription prescribed prescriber pharmacist
    pharmacy doctor doctors physician nurse gp rheumatologist dermatologist specialist hospital clinic er emergency
    appointment treatment treatments therapy therapies side effect effects adverse risk risks safe safety symptom
    symptoms sign signs diagnosis diagnosed test tests testing blood lab labs monitoring monitor liver kidney kidneys
    lung lungs heart chest breath breathing breathe pain painful pains ache aches aching sore soreness stiffness stiff
    swelling swollen inflammation inflammatory inflamed fever chills infection infections infected immune immunity
    immunosuppressant immunosuppressants immunosuppressive immunosuppressed immunocompromised autoimmune arthritis
    rheumatoid osteoarthritis psoriatic psoriasis lupus sle scleroderma vasculitis sclerosis ms crohn crohn's colitis
    ibd gout fibromyalgia spondylitis sjogren sjögren's myositis polymyalgia uveitis disease diseases disorder
    condition conditions chronic acute flare flares flare-up fatigue tired tiredness exhausted weakness weak numb
    numbness tingling nausea vomiting diarrhea diarrhoea constipation rash itch itching hives skin hair loss
    weight bone bones osteoporosis joint joints muscle muscles back neck knee knees hip hips shoulder hand hands feet
    foot ankle ankles wrist head headache migraine dizzy dizziness sleep insomnia mood depression anxiety stomach
    ulcer bleeding bruising bruise cancer tumor tumour lymphoma shingles herpes zoster flu influenza covid pneumonia
    tuberculosis tb hepatitis vaccine vaccines vaccination vaccinated shot shots jab booster injection injections
    infusion infusions biologic biologics steroid steroids corticosteroid corticosteroids cortisone prednisone
    methotrexate tnf inhibitor inhibitors nsaid nsaids opioid opioids painkiller painkillers analgesic allergy
    allergic allergies pregnant pregnancy breastfeeding breast fertility surgery operation wound healing heal
    cholesterol diabetes glucose sugar pressure hypertension cardiovascular stroke cough cold throat sinus eye eyes
    vision teeth dental mouth ulcers sores cramps cramp spasm spasms nerve nerves neuropathy sciatica tendon tendonitis
    bursitis cartilage physio physiotherapy physical exercise diet nutrition vitamin vitamins supplement
    supplements calcium folic alcohol smoking withdrawal withdrawals addiction addicted overdose dependence tolerance
    interaction interactions contraindication generic brand tolerate tolerated remission relapse mobility disability
    symptomatic patient patients illness ill sick unwell healthcare care caregiver wellbeing well-being
    immunotherapy transplant chemo chemotherapy anemia anaemia platelets white cells count hemoglobin antibody antibodies
    antinuclear ana crp esr biopsy scan mri xray x-ray ultrasound diagnosis prognosis cure cured curable hereditary
    genetic genes inherited contagious virus viral bacteria bacterial fungal"""
)

# ----------------------------------------------------------------------------- language
EN_COMMON = words(
    """a about above after again against all am an and any are as at be because been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her here hers
    him his how i if in into is it its itself just me more most my no nor not now of off on once only or other our
    out over own same she should so some such than that the their them then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you your yours
    yourself get got go going gone know want need take taking took taken use used using like also really much many
    please tell thanks thank hi hello okay ok yes still even ever never always often sometimes long time times day
    days week weeks month months year years ago since today tomorrow yesterday morning night good bad better worse
    best worst new old safe normal ok mean means help make makes made feel feels felt think thought say said see
    seen look looks come came give gave keep kept stop start started try tried work works worked happen happens
    happened people person someone anyone everyone thing things way ways lot little bit another every first last
    next other others same different right wrong sure possible able okay should shall may might must cannot can't
    don't doesn't didn't isn't aren't won't i'm i've he's she's it's that's what's there's husband wife son daughter
    mother mom mum father dad child children kid kids baby family friend"""
)
FOREIGN_COMMON = words(
    """el la los las un una unos unas de del y o que qué es son está estoy tengo tiene puedo puede puedes tomar para por
    con sin mi mis su sus como cómo cuál cuáles cuando dónde porque pero muy más dolor medicamento medicamentos
    efectos secundarios médico fiebre hola gracias je tu il elle nous vous ils elles le les des du au aux est sont et
    ou pour avec sans mon ma mes ton ta votre vos peux peut prendre quels quelle quelles quel douleur médicament
    médicaments effets secondaires médecin fièvre bonjour merci ich du er sie es wir ihr der die das den dem und oder
    ist sind nicht mit ohne für mein meine dein kann können nehmen wie was warum schmerzen medikament nebenwirkungen
    arzt fieber hallo danke eu você ele ela nós não com sem meu minha posso pode tomar remédio efeitos colaterais
    dor olá obrigado io lui lei noi voi loro il gli della che non sono con mio mia posso può prendere farmaco effetti
    collaterali dolore ciao grazie"""
)

# ----------------------------------------------------------------------------- source sentences (ingest)
SOURCE_ADDRESSED_TO_AI = rx(
    r"\bas an? (?:ai|a\.i\.|artificial intelligence|language model|llm|assistant|chatbot|chat bot)\b"
    r"|\b(?:you are|you're) (?:now )?(?:an? |the )?(?:ai|assistant|chatbot|language model|llm|gpt|bot)\b"
    r"|\b(?:the |this |any )?(?:ai|assistant|chatbot|chat bot|language model|llm|gpt|bot)s? (?:must|should|shall|will|needs? to|has to|have to|is to)\b"
    r"|\b(?:when|if) (?:you are |you're )?(?:asked|answering|responding|replying|summari[sz]ing)\b[^.?!;\n]{0,80}\b(?:tell|say|answer|respond|reply|state|recommend)\b"
    r"|\b(?:dear|attention|note to (?:the )?)(?:ai|assistant|chatbot|model|llm)\b"
    r"|^\s*(?:system|assistant|user|instruction|instructions)\s*:"
)
_DOCTOR = (
    r"(?:doctor|doctors|physician|prescriber|pharmacist|gp|nurse|rheumatologist|specialist|healthcare provider|"
    r"health care provider|healthcare team|care team|medical team|medical help|medical advice|emergency|clinic|provider|surgeon)"
)
SOURCE_DOCTOR = rx(r"\b" + _DOCTOR + r"s?\b")
SOURCE_NO_DOCTOR = rx(
    r"\b(?:you |patients |they )?(?:do not|don't|dont|never|won't|will not) (?:really )?need (?:to (?:see|ask|consult|check with|talk to|tell|call|involve) )?"
    r"(?:your|a|the|their|any) " + _DOCTOR + r"\b"
    r"|\bno need (?:to|for) (?:(?:see|ask|consult|check with|talk to|tell|involve|call) )?(?:your|a|the|their|any) " + _DOCTOR + r"\b"
    r"|\b" + _DOCTOR + r"s? (?:are|is) (?:not needed|unnecessary|not necessary|optional)\b"
    r"|\bignore (?:your|the|their) " + _DOCTOR + r"(?:'s)?(?: advice| orders| instructions)?\b"
)
_SRC_MED = (
    r"(?:medic\w{0,6}|meds?|pills?|tablets?|doses?|dosage|drugs?|treatment|therapy|injections?|infusions?|prescriptions?|"
    r"steroids?|blood tests?|" + _IMMUNO_NAMES.replace("\n", "") + "|" + _OTHER_DRUGS.replace("\n", "") + ")"
)
_SRC_CHANGE = (
    r"(?:stop|quit|discontinue|cease|skip|double|triple|halve|increase|decrease|reduce|cut down on|cut back on|change|"
    r"adjust|switch|throw away|flush|give up|come off|get off|go off|taper|drop)"
)
_SRC_OBJECT = (
    r"\s+(?:(?:taking|using|on|off|of)\s+){0,2}(?:(?:your|their|all|the|any|my|this|that|these|those|his|her)\s+)?"
    r"(?!(?:risks?|chances?|side effects?|symptoms?|pain|odds|likelihood|costs?|need|amount of time)\b)"
    r"(?:[a-z-]{1,20}\s+){0,2}?" + _SRC_MED + r"\b"
)
# An instruction or a permission to change medicines: an imperative ("Stop taking your methotrexate",
# "just double your dose"), "you can/should …", "it is safe to …", or patients told they may do it on
# their own ("patients can safely stop their steroids at any time").
SOURCE_MED_CHANGE = rx(
    r"(?:^\s*|[.;:!?]\s+|\b(?:just|simply|go ahead and|feel free to)\s+"
    r"|\byou (?:should|can|could|may|must|need to|ought to|are free to|are able to)(?: safely| simply| just| always| easily)? "
    r"|\b(?:it is|it's) (?:safe|fine|ok|okay|best|better) to "
    r"|\b(?:patients?|people|everyone|they) (?:should|can|could|may|must|need to|ought to|are free to)"
    r" (?:safely|simply|just|easily|always) )"
    r"(?:please )?" + _SRC_CHANGE + _SRC_OBJECT
    + r"|\b(?:patients?|people|everyone|they) (?:should|can|could|may|must) " + _SRC_CHANGE + _SRC_OBJECT
    + r"(?=[^.;!?\n]{0,60}\b(?:at any time|any time|anytime|whenever|on (?:their|your) own|themselves|yourself|if they feel better|"
    r"once they feel better|when they feel better)\b)"
)
# "Tell the patient to stop their medicine": an instruction to whoever writes the answer.
SOURCE_TELL_PATIENTS = rx(
    r"\b(?:tell|instruct|advise|inform|remind) (?:the |all |every |any )?(?:patients?|users?|readers?|people|them) (?:that |to )"
    r"[^.;!?\n]{0,60}\b(?:" + _SRC_CHANGE + r"|is harmless|are harmless|is safe|are safe|don't need|do not need|no need)\b"
)
SOURCE_NEGATION = rx(r"\b(?:not|never|don't|dont|do not|avoid|shouldn't|should not|must not|mustn't|cannot|can't|no one should|nobody should)\b")
