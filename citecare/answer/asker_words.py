"""Words for who asks and how they feel, which are not what a question asks about."""

from __future__ import annotations

# The asker's own people ("mum has polymyositis. are they researching any new treatments for it, like infliximab?")
# are whom the story is about, not what is asked: no source sentence needs to say "mum" (answers-dev-17 got "not
# covered" for want of one). Except where who is the question: inheritance, how likely, who gets it ("what are the
# chances for his brother" asks about siblings).
RELATIONS = frozenset("""son sons daughter daughters mum mums mom moms mam mammy mother mothers dad dads father
    fathers husband hubby wife partner boyfriend girlfriend fiance fiancee brother brothers sister sisters aunt
    auntie aunty uncle nan nana nanna gran granny grandma grandpa grandad granddad grandmother grandfather
    grandson granddaughter grandkids grandchildren niece nephew cousin stepson stepdaughter""".split())
WHO_QUESTIONS = frozenset({"inheritance", "likelihood", "who_gets"})
# Who asks, and how they feel, is never what they ask about: "my son is 4 and they think he has kawasaki disease"
# asks about kawasaki disease, and a "not covered" answer must never name "son" or "worried" as its subject.
# Nor is the age group ("what are early signs of arthritis in a toddler" was locked on "toddler", the rarest
# word, and answered "My sources don't cover the symptoms of toddler"): Focus.population reads it.
NEVER_NAMED = RELATIONS | frozenset("""worried worry worrying wondering scared concerned curious nervous
    toddler toddlers baby babies infant infants newborn newborns child children teen teens teenager teenagers
    youngster youngsters adult adults elderly pensioner pensioners kids kid""".split())
