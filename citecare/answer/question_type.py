"""What kind of answer a question asks for, and whether a sentence is that kind of answer.

"How often…" wants a frequency, "how long…" a duration, "what is…" a definition, "side effects…" an adverse
effect, a yes/no question a sentence that settles it. The answer's first sentence should be of that kind.
The cues are about the English of questions and answers, not about any topic of the library.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from citecare.text import fold

# Someone in the family the question may be asked for ("the chance her little brother gets it").
_SIBLING_OR_CHILD = r"(brothers?|sisters?|siblings?|kids?|children|child|sons?|daughters?|baby|babies|grandkids|grandchildren)"
_RELATIVE = rf"({_SIBLING_OR_CHILD}|mum|mom|mother|dad|father|famil(y|ies))"

_Q = [  # first match wins: the more specific kinds come first
    # "is anyone researching a cure for cushing's", "will they ever find a cure for lupus", "are they looking into
    # whether a virus triggers polymyositis" ask what is being studied (many pages answer it in their own section,
    # "what research (or clinical trials) is being done for Shingles?"), not how it is treated or caused now
    # (answers-dev-18). Not "i've been researching the side effects": research done, not asked about.
    ("research", r"\b(any|new|newer|latest|recent|current|ongoing|more|much) (research|studies|trials|clinical trials)\b|"
                 r"\bresearch(ing)? (into|on|for|being done|going on|happening)\b|\bclinical trials?\b|"
                 r"\b(is|are|isn'?t|aren'?t) (anyone|anybody|scientists?|researchers?|doctors?|they|people) "
                 r"(researching|studying|working on|looking into|trying to find|developing|testing)\b|"
                 r"\b(find|found|finding|discover|discovering|develop|developing) a cure\b|"
                 r"\b(being|been) (developed|researched|studied|tested|worked on)\b|\bin the pipeline\b|\bon the horizon\b"),
    # "what blood tests show rheumatoid arthritis", "how do they know it's lupus": how a condition is found
    # (many pages answer it in their own section, "How to diagnose Lupus Nephritis?"), not routine monitoring.
    ("diagnosis", r"\bdiagnos\w*|\b(tests?|scans?|x-?rays?)\b.*\b(show|shows|confirm|detect|find|tell if|tell whether)\b|"
                  r"\bhow (do|does|can|will|would) (they|you|doctors?|a doctor|my doctor|gps?) (know|tell|find out|"
                  r"check for|test for)\b"),
    ("monitoring", r"\bmonitor|\bcheck(s|ed|ing)?\b|\bblood (tests?|work)\b|\bkeep an eye\b|\bfollow[- ]?up\b"),
    # "what actually happens if you take too much ibuprofen" asks what too much does (answers-dev-15)
    ("side_effects", r"\bside[- ]?effects?\b|\badverse\b|\breactions?\b|\bdo to (my|your|the) body\b|"
                     r"\bwhat (actually |really )?happens (if|when) (you|i|someone|a person|people|they|he|she) "
                     r"(take|takes|took|have|has|had) too (much|many)\b"),
    ("interactions", r"\binteract|\btogether\b|\bmix(ing)?\b|\bwith (my|other|a)\b.*\b(take|taking)\b|"
                     r"\b(take|taking|have)\b.*\b(with|while|when|if)\b.*\b(on|taking|take)\b"),
    # "what are the chances i get psoriatic arthritis", "how likely is remission", "what percent end up needing
    # surgery": how likely something is, answered with a quantity ("5 to 10 percent", "seven out of 10"). Asked of
    # a relative it is an inheritance question; "does it raise my chance of…" is a yes/no question.
    ("likelihood", rf"^(?!.*\b({_RELATIVE}|inherit\w*|hereditary|genetic)\b)"
                   r".*(\b(what|whats|what's)\s+(are|is|'s)?\s*(the|my|his|her|their|your)?\s*(chances?|odds|likelihood|"
                   r"probability|percentage|proportion)\b|\bhow (likely|common|rare|probable)\b|"
                   r"\bwhat (percent|percentage|proportion|fraction)\b|\bhow many (people|patients|of them|cases)\b|"
                   r"\b(chances?|odds) (are|is) (that|of)\b)"),
    # Who gets it: "is autoimmune hepatitis mainly a women's disease? and can kids get it", "what age does MS normally
    # start at" (answers-dev-18, -10): answered by who ("About 70 percent of people with type 1 autoimmune hepatitis
    # are female", "…typically begins… around age 40"), in sections titled "Who gets lupus?" or "Who is at risk
    # for Gout?". Not how likely an outcome is ("how many people with lupus nephritis end up with kidney failure"):
    # that is a quantity. Children named without "my" are a group, not the patient's own (those ask about
    # inheritance above).
    ("who_gets", r"\bwho (usually |mostly |mainly |typically |normally )?(gets?|is at risk|are at risk|is more likely|"
                 r"is most likely|can get|develops?)\b|"
                 r"\b(mainly|mostly|only|just) (a |an )?(women'?s|womens|mens|men'?s|kids'?|childrens?'?|old (people'?s|"
                 r"persons?'?)|older (people'?s|persons?'?)|young (people'?s|persons?'?)) (disease|condition|thing|illness|"
                 r"problem)\b|\bcan (kids|children|babies|men|women|teenagers|teens|young people|adults|toddlers) "
                 r"(get|have|develop)\b|"
                 r"\b(what|which) age (do|does|did|is|are|will|would) [^?]{0,30}\b(start|starts|begin|begins|develop|"
                 r"develops|appear|appears|diagnosed|show|shows|strike|strikes|come on|kick in)\b"),
    # "how many kids get juvenile arthritis in the US" (answers-dev-11): a quantity
    ("likelihood", r"\bhow many (kids|children|adults|americans|women|men|babies|older people|teens|teenagers) "
                   r"(get|have|develop|are affected|are diagnosed)\b"),
    ("frequency", r"\bhow (often|many times|frequently)\b|\bhow far apart\b|\bhow long between\b|\bhow many\b[\w' -]{0,20}\b(shots|doses|jabs|injections|vaccinations|boosters)\b|\btimes a (day|week|month|year)\b|\bevery (day|week)\b"),
    # "will lupus shorten my life expectancy", "how many people end up with kidney failure", "what happens if
    # wegeners isnt treated"; titled "What is the outlook for…?", "What are the complications of…?"
    # "does sjogren's get worse over time", "will i still have a normal lifespan with it", "will my back ever be
    # right again", "am i going to lose my sight": how it goes on from here
    ("prognosis", r"\boutlook\b|\bprognosis\b|\blife expectancy\b|\blife ?span\b|\bshorten (my|your|his|her|their|a person'?s) life\b|"
                  r"\b(get|gets|getting) worse (over time|with time|as (you|i|they) get older|with age)\b|\bworse over time\b|"
                  r"\bwill (i|it|he|she|they|my [\w'-]+) ever (be|get|go|feel)\b|"
                  r"\b(am|is|are) (i|he|she|they|we) (going to|gonna) (lose|go blind|end up|be disabled|need a wheelchair)\b|"
                  r"\b(live|lead) (a )?(normal|full|long) life\b|\bhow long (can|will|do|does) (i|you|people|he|she|they) live\b|"
                  r"\bcomplications?\b|\bend up (with|on|in|needing|having)\b|"
                  # "ok and does it ever go away for good?" (answers-dev-13)
                  r"\b(does|do|will|would|can) (it|this|they|that|[\w'-]+) ever (go away|clear( up)?|heal|stop|get better)\b|"
                  r"\b(go|goes|gone|clear|clears|cleared) (away |up )?for good\b|\b(is|are) (it|they|[\w'-]+) (fatal|curable|deadly|"
                  r"life[- ]threatening)\b|\bcan (you|people|i|he|she|it) (die|kill)\b|\bgo away (by itself|on its own)\b|"
                  r"\b(is|isn'?t|isnt|not|never) (gets? )?treated\b|\buntreated\b|\bwithout treatment\b|\bif (you|i|we|they) "
                  r"(don'?t|dont|do not|never) treat\b|"
                  # "does it ever go away on its own or is it for life?" (answers-dev-15)
                  r"\bfor life\b|\blife ?long\b"),
    ("duration", r"\bhow long\b|\bmax(imum)? (number of )?(days|weeks|months)\b|\bhow (quick|quickly|soon|fast)\b|\bhow many (days|weeks|months|years)\b|"
                 # "how long does it last" (not "last year", "last time", "the last dose")
                 r"\blasts?\b(?!\s+(year|week|month|night|time|summer|winter|spring|autumn|fall|christmas|dose|one|few|"
                 r"couple|[a-z]+day|january|february|march|april|may|june|july|august|september|october|november|december)\b)"),
    # "how much does copaxone cut down relapses" asks how well it works, not for a dose; a dose named in passing
    # ("on high dose prednisone… is this cushings", "a medrol dose pack… does it matter for the test") is no question
    ("dosage", r"\b(what|which|how|usual|normal|typical|max|maximum|starting|right|correct|recommended|safe|daily|"
               r"strong|higher|lower|same)\b[^.?!]{0,25}\b(doses?|dosage|dosing)\b|\b(doses?|dosage|dosing) (of|for|is|are)\b|"
               r"^\W*(doses?|dosage|dosing)\b|"
               # "how do they usually build up the dose in the first few days" (gabapentin, answers-dev-5)
               r"\b(build|builds|built|building|step|steps|titrate|titrated|increase|increased|work|go|goes)\s+up\s+"
               r"(the\s+|my\s+|her\s+|his\s+|their\s+|your\s+)?(doses?|dosage)\b|\b(titrate|titrated|titrating)\s+"
               r"(the\s+|my\s+|her\s+|his\s+|their\s+|your\s+)?(doses?|dosage)\b|"
               r"\bhow much\b(?!\s+(more|less|longer|better|worse)\b)(?!\s+(does|do|did|will|would|can|could)\s+(\S+\s+){1,4}?"
               r"(help|cut|reduce|lower|raise|increase|improve|affect|cost|matter|hurt|slow|delay)s?\b)|"
               r"\bmg\b|\bmilligrams?\b|\bmax(imum)?\b|"
               # a medicine's strengths ("what strengths does norco come in"), not a person's ("how do i build up my
               # strength after a flare")
               r"(?<!\bmy )(?<!\byour )(?<!\bhis )(?<!\bher )(?<!\bour )(?<!\btheir )(?<!\bmuscle )(?<!\bmore )"
               r"(?<!\bno )\bstrengths?\b"),
    # "who is not supposed to take kadian", "who mustn't have it": the same question in other words.
    ("who_should_not", r"\bwho (should ?n[o']?t|cannot|can'?t|shouldnt|must ?n[o']?t|mustnt|may not)\b|"
                       r"\bwho (is not|are not|isn'?t|aren'?t) (supposed|allowed|meant) to\b|\bcontraindicat|\bavoid\b"),
    # "which conditions…", "what kinds of drugs…": a list of examples ("such as rheumatoid arthritis, lupus").
    ("examples", r"^\s*(which|what)\s+(kinds? of |types? of |sorts? of )?(conditions|diseases|illnesses|drugs|"
                 r"medicines|medications|foods|vaccines|treatments|problems)\b"),
    ("symptoms", r"\bsymptoms?\b|\bsigns?\b|\bwhat does it feel\b"),
    # "does it run in families", "is ulcerative colitis genetic": whether it is passed on in families (genetics
    # pages answer it in their own section, "Is ulcerative colitis inherited?"), not what causes it.
    ("inheritance", r"\binherit|\bhereditary\b|\bruns? in (the )?famil|\bpass(ed)? (it )?(on|down)\b|"
                    r"^\s*(is|are)\b[\w' -]*\bgenetic\s*\??\s*$|"
                    # "what is the chance her little brother gets it as well", "what are the chances for his brother"
                    rf"\b(chances?|odds|risk|likely|likelihood)\b[^?]{{0,25}}\b{_SIBLING_OR_CHILD}\b(?![^?]{{0,30}}\b(from|through|via|by)\b)|"
                    # "mum has sjogrens, am i more likely to get it", "will my kids get my ankylosing spondylitis"
                    r"\b(mum|mom|mother|dad|father|sister|brother|parents?|grand(ma|mother|pa|dad|father))\b[^?]{0,60}"
                    r"\b(more likely|likely|chances?|risk|odds)\b[^?]{0,25}\b(to get|of getting|getting|to have|of having|"
                    r"(i|we|ill|i'll|we'll|i will|we will) (get|have|develop))\b|"
                    r"\b(will|would|could|can)\s+(my|our)\s+(kids?|children|child|sons?|daughters?|baby|grandkids|"
                    r"grandchildren)\s+(get|have|inherit|develop)\s+my\b|"
                    # "i have sjogrens. are my kids going to get it too?"
                    r"\b(are|is|will|would|could|can)\s+(my|our|the)\s+(kids?|children|child|sons?|daughters?|baby|"
                    r"grandkids|grandchildren)\s+(\w+\s+)?(going to|gonna|likely to|at risk of|get|inherit|develop)"
                    r"\s+(get |have |inherit |develop )?(it|this|that|them)\b(?!\s+(from|through|via|off|by|in)\b)|"
                    # "my mum has MS, does that mean I will get it?"
                    r"\b(mum|mom|mother|dad|father|sister|brother|parents?|grand(ma|mother|pa|dad|father))\b[^?]{0,60}"
                    r"\b(will|would|could|am|does that mean|mean) i\b[^?]{0,20}\b(get|have|inherit|develop)\b"),
    # "how do opioids work on the brain", "how does methotrexate act": how a medicine works, not whether it helps
    # ("how well does it work" is about how much it helps; "how long does it take to work" is a duration).
    ("how_it_works", r"\bhow (do|does|did)\b(?![^?.!]{0,6}\bwell\b)[^?.!]{1,40}\b(work|works|act|acts|affect|affects)\b(?!\s+for\b)|"
                     r"\bmechanism of action\b|\bhow [\w' -]{1,30} works\b"),
    # "what causes lupus" asks for causes; "does prednisone cause insomnia" is a yes/no question about an effect.
    # "Why have I got shingles now at 74?" (answers-dev-18) asks why it came about
    ("causes", r"\b(what|which)\b.*\b(causes?|triggers?|sets? off)\b|\bcauses? of\b|\bwhy (do|does|did)\b|"
               r"\bwhy (have|has|would|could|might) (i|he|she|they|you|we|my [\w'-]+) (got|get|gotten|developed|develop)\b|"
               r"\bgenetic\b|^\s*(causes?|triggers?)\b"),
    ("prevention", r"\bprevent|\bavoid getting\b"),
    # "does methotrexate work", not the workplace: "can i catch it from her at work?", "can i still go to work with
    # shingles", "i work nights" asked about treatment, and a treatments section led the answer
    ("treatment", r"\btreat|\btherap|\bmeds?\b|\bmedications?\b|\bmedicines?\b|\bhelp|"
                  r"(?<!\bat )(?<!\bgo to )(?<!\bback to )(?<!\bget to )(?<!\bfrom )(?<!\bof )(?<!\boff )"
                  r"(?<!\bmy )(?<!\bi )(?<!\bwe )\bwork\b|\bcure\b|"
                  r"\bremed|\boptions?\b|\bused for\b|\bfor what\b|\bprescribed\b|"
                  # "what creams can you put on psoriasis", "what do doctors give for a gout flare" (answers-dev-18, -1);
                  # not "what can i take with methotrexate" (what goes with a medicine)
                  r"\bwhat\b[^?]{0,30}\b(can|could|should|do|does|would|will) (you|i|we|they|people|he|she|doctors?|gps?|"
                  r"the doctors?|the hospital) (put|use|take|apply|rub|try|give|prescribe|do (for|about))\b"
                  r"(?![^?]{0,12}\b(with|while|alongside|together|before|after)\b)"),
    # "what is lupus", and after some context "…for my psoriasis. what actually is a biologic"; "whats sjogrens"
    ("definition", r"(^|[.?!]\s+)(what|whats|what's)\s+(actually |exactly |even )?(is|are|'s)\s+(a |an |the )?[\w' -]+\??\s*$|"
                   r"^\s*whats\s+[\w' -]+\??\s*$|"
                   # "what is feltys syndrome? my aunt who has RA has just been told she has it": the question first,
                   # its context after (not "what's the most…?", "what is the best…?", "what's the success rate for…?")
                   r"^\s*(what\s+(actually |exactly |even )?(is|are)\s+|what's\s+|whats\s+)(?!(a |an |the )?(most|least|"
                   r"best|usual|normal|right|max|difference|temperature|good|schedule|meaning)\b)(a |an |the )?"
                   r"(?:(?!\b(?:for|of|with|in|on|after|to|from|between|rate)\b)[\w' -]){1,60}\?|\bwhat (is|are) (it|they)\b|\bwhat even is\b|\bwhat does .* mean\b"),
    ("yes_no", r"^\s*(is|are|can|could|do|does|did|will|would|should|may|has|have|am)\b"),
]
_QUESTION_TYPES = [(name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _Q]

_NUMBER_WORD = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a|an|once|twice|several|few)"
_TIME_UNIT = r"(minutes?|hours?|days?|weeks?|months?|years?|decades?)"
_NOT_AN_AGE = r"(?!\s+(?:of age|old|or older|and older|and over)\b)"
_A = {
    # ("every time you use a medicine", "each time" say when, not how often)
    "frequency": re.compile(rf"\b(every(?! time)|each(?! time)|once(?! (?:the|you|your|it|they|he|she|a|an|this|that|these|"
                            rf"those|symptoms|treatment)\b)|twice|daily|weekly|monthly|yearly|annual(ly)?|"
                            rf"{_NUMBER_WORD} times?|per (day|week|month|year)|a (day|week|month|year)|"
                            rf"hourly|at least|booster|single dose|one-time|{_NUMBER_WORD} doses|series|"
                            rf"schedule|separated by|apart|intervals?)\b", re.I),
    # (an age is no duration: "People 60 years of age or older should get shingles vaccine")
    "duration": re.compile(rf"\b({_NUMBER_WORD}\s+(to\s+\w+\s+)?{_TIME_UNIT}\b{_NOT_AN_AGE}|within|lasts?|for (life|years|"
                           rf"months|weeks)|long[- ]term|until|after|usually go(es)? away|(weeks|months|years)\b{_NOT_AN_AGE})\b",
                           re.I),
    "dosage": re.compile(r"\b(\d+(\.\d+)?\s*(mg|mcg|g|ml|units?)\b|dose|dosage|mg/kg|mg/day|milligrams?)", re.I),
    # (not who is "at increased risk for getting pneumococcal disease": that is who catches it, not what a medicine does)
    "side_effects": re.compile(r"\b(side effects?|adverse|reactions?|cause[sd]?|"
                               r"(?<!\bat )(?<!\bat increased )(?<!\bat high )(?<!\bat higher )(?<!\bat greater )risks?|"
                               r"may (cause|lead)|"
                               r"problems?|nausea|rash|infections?|bleeding|damage|toxicity|headache|dizz)", re.I),
    "prognosis": re.compile(r"\b(outlook|prognosis|life expectancy|life ?span|normal life|full life|percent|%|most people|"
                            r"many people|fatal|die|dies|death|deaths|surviv\w*|recover\w*|cured?|curable|go(es)? away|"
                            r"lifelong|complications?|kidney failure|end-stage|disabl\w*|progress(es|ive)?|worsens?|"
                            # "The vast majority of patients are mildly affected, but in the worst cases, MS can
                            # render a person unable to write, speak, or walk" (will she end up in a wheelchair)
                            r"majority|mildly|remission|remit\w*|unremitting|irreversible|permanent\w*|for good|"
                            r"on (its|their) own|comes and goes|wheelchair|unable to (walk|work|see))\b",
                            re.I),
    "likelihood": re.compile(r"\b(\d+(\.\d+)?\s?(%|percent|per cent)|percent|(\d+|one|two|three|four|five|six|seven|"
                            r"eight|nine|ten)\s(in|out of)\s(\d+|ten|twenty|a hundred|hundred|a thousand|five)|"
                            r"\d+\s(times|fold)|(more|less|as|most|least) likely|likelihood|chances?|odds|"
                            r"most (people|patients|cases|children|adults)|majority|minority|half|a third|a quarter|"
                            r"rare(ly)?|uncommon|estimated risk|risk (is|of \w+ is)|affects? (about|approximately|"
                            r"nearly|around|an estimated|up to|over|more than) [\d,.]+|up to [\d,.]+|"
                            r"(about|approximately|around|nearly) [\d,.]+ (people|patients|children|adults|percent|in))\b",
                            re.I),
    # (a vaccine or a procedure works through the body: "the vaccine triggers the immune system to respond")
    "how_it_works": re.compile(r"\b(works? by|acts? (by|on)|blocks?|binds?|attach(es)?|receptors?|inhibits?|"
                               r"suppress(es)?|reduces?|lowers?|stops? the|slows?|interferes? with|mimics?|"
                               r"triggers?|stimulates?|immune (system|response)|build immunity|teach(es)? the body|"
                               r"filters?|replaces?)\b", re.I),
    "definition": re.compile(r"^[\w'(), -]{2,80}?\b(is|are|refers to|means)\s+(a|an|the|one|any|when|what|"
                             r"used|called|medicines?|drugs?|conditions?|diseases?)\b", re.I),
    "examples": re.compile(r"\b(such as|including|include[sd]?|for example|e\.g\.|like)\b", re.I),
    "symptoms": re.compile(r"\b(symptoms?|signs?|feel|pain|fatigue|fever|swelling|stiffness|rash|tired)", re.I),
    "causes": re.compile(r"\b(caused? by|causes?|triggers?|genes?|genetic|inherit|risk factors?|due to|because)\b",
                         re.I),
    "inheritance": re.compile(r"\b(inherit\w*|hereditary|runs? in (the )?famil\w*|passed (down|on|from)|"
                             r"family history|family members?|famil(y|ies)|relatives?|siblings?|parents?|children of|twins?|genes?|genetic\w*|"
                             r"mutations?|autosomal|dominant|recessive)\b", re.I),
    "treatment": re.compile(r"\b(treat(ed|ment|ments|s)?|therap(y|ies)|medicines?|medications?|drugs?|help(s)?|"
                            r"relie(f|ve)|surgery|exercise|manage)\b", re.I),
    "diagnosis": re.compile(r"\b(diagnos\w*|tests?|exam(ination)?s?|x-?rays?|scans?|mri|ultrasound|biopsy|"
                           r"blood|urine|history|antibod(y|ies))\b", re.I),
    "monitoring": re.compile(r"\b(monitor(ed|ing)?|check(ed|s|ups?)?|tests?|blood tests?|regular|watch)\b", re.I),
    "interactions": re.compile(r"\b(with|together|interact(ions?)?|while (you're |you are )?taking|combin)", re.I),
    "who_should_not": re.compile(r"\b(should not|shouldn't|must not|do not|don't|contraindicated|not recommended|"
                                 r"avoid|allergic)\b", re.I),
    "prevention": re.compile(r"\b(prevent(ed|ion|s)?|avoid|reduce (the )?risk|vaccin)", re.I),
    # ("Lupus is much more common in women than in men and most often strikes during the child-bearing years",
    # "Primary progressive MS typically begins later than the other forms, around age 40")
    "who_gets": re.compile(r"\b(women|men|females?|males?|children|kids|adults|older|younger|ages?|aged|years old|"
                           r"people (who|with|over|under|of)|(more|most|less) common|(most|more) (often|commonly)|"
                           r"more likely|at (an )?(increased |higher |greater )?risk|risk factors?|anyone|"
                           r"child-?bearing|teens|twenties|thirties|forties|fifties|percent|"
                           r"(typically|usually|often) (begins?|starts?|appears?|develops?))\b", re.I),
    # ("NINDS supports research on Cushing's syndrome aimed at finding new ways to diagnose, treat, and cure the
    # disorder", "Researchers are studying whether…", "Clinical trials are testing…")
    "research": re.compile(r"\b(research\w*|stud(y|ies|ying)|clinical trials?|trials?|scientists?|investigat\w*|"
                           r"being (developed|tested|studied)|experimental)\b", re.I),
    "yes_no": re.compile(r"\b(yes|no|not|can|cannot|can't|may|should|is|are|does|do)\b", re.I),
}


def classify(question: str) -> str:
    """The kind of answer a question asks for ('other' when none fits). The question may follow its context in
    the same sentence: "i'm on a blood thinner, are painkillers like ibuprofen riskier for me?" asks yes or no."""
    text = fold(question)
    for part in [text, *reversed([p for p in re.split(r",\s+", text)[1:] if p.strip()])]:
        for name, pattern in _QUESTION_TYPES:
            if pattern.search(part):
                return name
    return "other"


# Words of a kind that do not make a sentence that kind of answer: symptoms a treatment relieves ("treatments are
# available to relieve symptoms") are no list of symptoms (answers-dev-14, "what are the usual symptoms of scleroderma").
_NOT_A = {
    "symptoms": re.compile(r"\b(relie\w*|treat\w*|manag\w*|control\w*|eas(e|es|ed|ing)|reduc\w*|improv\w*|lessen\w*|"
                           r"alleviat\w*)\s+(the\s+|your\s+|their\s+|its\s+|these\s+|those\s+|some\s+)?"
                           r"(symptoms?|signs?)\b", re.I),
}


def answers_type(question_type: str) -> Callable[[str], bool]:
    """A test of whether a sentence is the kind of answer ``question_type`` asks for."""
    pattern = _A.get(question_type)
    if pattern is None:
        return lambda sentence: False
    if (unlike := _NOT_A.get(question_type)) is not None:
        return lambda sentence: bool(pattern.search(unlike.sub(" ", sentence)))
    return lambda sentence: bool(pattern.search(sentence))


def type_words(question: str) -> list[str]:
    """The words of the question that say what kind of answer it wants ('how long', 'side effects')."""
    text = fold(question)
    for _name, pattern in _QUESTION_TYPES:
        if pattern.search(text):
            # Only the cue words themselves: "what is ehlers danlos syndrome and why does it cause" matches the
            # causes pattern from "what" to "cause", but "ehlers danlos syndrome" is what is asked about. Every
            # place the kind is asked counts ("does it ever go away on its own or is it for life?").
            cues = pattern.pattern.replace("\\b", " ")
            return [w for m in pattern.finditer(text) for w in m.group(0).split()
                    if re.search(rf"(?<![a-z]){re.escape(w)}", cues)]
    return []


# Question kinds whose lead must be that kind of sentence, or the sources do not answer them.
LEAD_MUST_FIT = frozenset({"side_effects", "inheritance", "dosage"})  # "is sarcoidosis hereditary": not what it is
# Kinds whose answer has a recognisable shape: an answer with no sentence of that shape does not answer.
STRICT_TYPES = frozenset({"side_effects", "dosage", "frequency", "duration", "symptoms", "causes", "likelihood",
                          "research", "who_gets"})
