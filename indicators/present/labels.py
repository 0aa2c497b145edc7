"""Every fixed text of the reports, in bokmål (``nb``) and English (``en``).

One table, so a translation is reviewed in one place and a missing one fails a test.

>>> text("summary", "nb"), text("summary", "en")
('Oppsummering', 'Summary')
"""

from __future__ import annotations

from indicators.language import check_lang, lookup

TEXT: dict[str, dict[str, str]] = {
    "trust_report": {"nb": "Kvalitetsindikatorer", "en": "Quality indicators"},
    "national_overview": {
        "nb": "Nasjonal oversikt over kvalitetsindikatorer",
        "en": "National overview of quality indicators",
    },
    "subtitle": {
        "nb": "Psykisk helsevern og tverrfaglig spesialisert rusbehandling",
        "en": "Mental-health and substance-use treatment",
    },
    "rhf": {"nb": "Regionalt helseforetak", "en": "Regional health authority"},
    "period": {"nb": "Periode", "en": "Period"},
    "extract_date": {"nb": "Uttrekksdato", "en": "Extract date"},
    "fingerprint": {"nb": "Fingeravtrykk for uttrekket", "en": "Extract fingerprint"},
    "package_version": {"nb": "Programversjon", "en": "Package version"},
    "computed_with": {"nb": "beregnet med", "en": "computed with"},
    "rendered_with": {"nb": "rapport laget med", "en": "report made with"},
    "synthetic_banner": {
        "nb": "SYNTETISKE DATA – dette uttrekket er generert og beskriver ingen virkelige "
        "pasienter eller helseforetak.",
        "en": "SYNTHETIC DATA – this extract is generated and describes no real patients "
        "or health trusts.",
    },
    "summary": {"nb": "Oppsummering", "en": "Summary"},
    "indicator": {"nb": "Indikator", "en": "Indicator"},
    "value": {"nb": "Verdi", "en": "Value"},
    "interval": {"nb": "95 % konfidensintervall", "en": "95% confidence interval"},
    "national": {"nb": "Nasjonalt", "en": "National"},
    "nation": {"nb": "Landet", "en": "Nation"},
    "goal": {"nb": "Måloppnåelse", "en": "Goal achievement"},
    "funnel_position": {"nb": "Plassering i traktplott", "en": "Funnel-plot position"},
    "denominator": {"nb": "Antall (n)", "en": "Number (n)"},
    "expected": {"nb": "Forventet antall (E)", "en": "Expected number (E)"},
    "goal_high": {"nb": "Høy", "en": "High"},
    "goal_moderate": {"nb": "Middels", "en": "Moderate"},
    "goal_low": {"nb": "Lav", "en": "Low"},
    "goal_none": {"nb": "Ingen mål", "en": "No target"},
    "illustrative_note": {
        "nb": "* Illustrativt mål, ikke et nasjonalt mål.",
        "en": "* Illustrative target, not a national goal.",
    },
    "above_998": {"nb": "Over 99,8 %-grensen", "en": "Above the 99.8% limit"},
    "below_998": {"nb": "Under 99,8 %-grensen", "en": "Below the 99.8% limit"},
    "above_95": {"nb": "Over 95 %-grensen", "en": "Above the 95% limit"},
    "below_95": {"nb": "Under 95 %-grensen", "en": "Below the 95% limit"},
    "within": {"nb": "Innenfor grensene", "en": "Within the limits"},
    "no_funnel": {"nb": "Ikke vurdert", "en": "Not assessed"},
    "incomplete_short": {"nb": "ufullstendig periode", "en": "incomplete period"},
    "incomplete_coverage": {
        "nb": "uttrekket dekker ikke hele perioden",
        "en": "the extract does not cover the whole period",
    },
    "incomplete_run_in": {
        "nb": "tilfeller som begynte før uttrekkets første dag, mangler",
        "en": "cases that began before the extract's first day are missing",
    },
    "incomplete_follow_up": {
        "nb": "ikke alle tilfeller var avgjort ved uttrekksdatoen",
        "en": "not every case was decided by the extract date",
    },
    "incomplete_other": {
        "nb": "perioden holder ikke alle tilfellene",
        "en": "the period does not hold every case",
    },
    "incomplete_note": {
        "nb": "Ufullstendig periode, ikke direkte sammenlignbar med hele perioder: {items}.",
        "en": "Incomplete period, not directly comparable with whole periods: {items}.",
    },
    "incomplete_intro": {
        "nb": "Ufullstendig periode: {reason}; verdien kan ikke sammenlignes direkte med hele "
        "perioder.",
        "en": "Incomplete period: {reason}; the value cannot be compared directly with whole "
        "periods.",
    },
    "incomplete_trend": {
        "nb": "Hule punkter: ufullstendig periode ({items}).",
        "en": "Hollow points: incomplete period ({items}).",
    },
    "position_withheld": {
        "nb": "Ikke vist (verdien er skjult)",
        "en": "Not shown (the value is withheld)",
    },
    "funnel_note": {
        "nb": "Plassering mot kontrollgrensene justert for overspredning (Spiegelhalter 2005).",
        "en": "Position against control limits adjusted for overdispersion (Spiegelhalter 2005).",
    },
    "suppression_note": {
        "nb": "«<5» og «skjult: lite antall»: antallet med hendelsen, antallet uten den eller "
        "antallet i alt er mellom 1 og 4, så verdien og antallet er skjult (antallet i alt kan "
        "godt være større enn fem). «for få»: for få personer til en pålitelig verdi. "
        "«skjult»: verdien er holdt tilbake fordi et antall under fem et annet sted ellers "
        "kunne regnes ut av de publiserte tallene, ved å trekke fra eller ved å kombinere "
        "tabeller (sekundær skjerming).",
        "en": "'<5' and 'withheld: small count': the number with the event, the number "
        "without it or the number in all is between 1 and 4, so the value and the count are "
        "withheld (the number in all may well be above five). 'too few': too few persons for "
        "a reliable value. 'withheld': held back because a count below five elsewhere could "
        "otherwise be worked out from the published figures, by subtraction or by combining "
        "tables (secondary suppression).",
    },
    "expected_short": {"nb": "forventet", "en": "expected"},
    "observed_short": {"nb": "observert", "en": "observed"},
    "median_short": {"nb": "median", "en": "median"},
    "axis_mean_days": {
        "nb": "Gjennomsnittlig ventetid (dager)",
        "en": "Mean waiting time (days)",
    },
    "point": {"nb": "punkt", "en": "point"},
    "axis_median_days": {"nb": "Median ventetid (dager)", "en": "Median waiting time (days)"},
    "judged_mean_days": {
        "nb": "Gjennomsnittlig ventetid, som målet og fargen for måloppnåelse gjelder: {value}.",
        "en": "Mean waiting time, which the goal and the goal colour are on: {value}.",
    },
    "judged_chart_note_national": {
        "nb": "Grafen viser gjennomsnittlig ventetid for dem som har startet behandling, som "
        "det nasjonale målet og fargen for måloppnåelse gjelder; indikatorens verdi, medianen, "
        "står i tabellen over nasjonale verdier og i helseforetakenes rapporter.",
        "en": "The chart shows the mean wait of those who started care, which the national "
        "goal and the goal colour are on; the indicator's value, the median, is in the table "
        "of national values and in the trusts' reports.",
    },
    "no_direction": {"nb": "ingen målretning", "en": "no goal direction"},
    "axis_fraction": {"nb": "Andel (%)", "en": "Share (%)"},
    "axis_days": {"nb": "Dager", "en": "Days"},
    "axis_ratio": {"nb": "Observert/forventet", "en": "Observed/expected"},
    "judged_chart_note": {
        "nb": "Grafen viser gjennomsnittlig ventetid for dem som har startet behandling, som "
        "det nasjonale målet og fargen for måloppnåelse gjelder; medianen står over grafen.",
        "en": "The chart shows the mean wait of those who started care, which the national "
        "goal and the goal colour are on; the median is given above the chart.",
    },
    "mean_days_short": {"nb": "gjennomsnitt", "en": "mean"},
    "judged_on_mean_days": {"nb": "vurdert på gjennomsnittet", "en": "judged on the mean"},
    "judged_note": {
        "nb": "Ventetid ({indicators}): verdien er Kaplan–Meier-medianen; det nasjonale målet "
        "og fargen for måloppnåelse gjelder gjennomsnittlig ventetid for dem som har startet "
        "behandling, som vises under medianen.",
        "en": "Waiting time ({indicators}): the value is the Kaplan–Meier median; the national "
        "goal and the goal colour are on the mean wait of those who started care, shown below "
        "the median.",
    },
    "ratio_count_note": {
        "nb": "Forholdstall (observert/forventet): antallskolonnen viser observert antall "
        "personer og forventet antall ut fra befolkningens alder og kjønn.",
        "en": "Ratios (observed/expected): the count column gives the observed number of "
        "persons and the number expected from the population's age and sex.",
    },
    "indicators": {"nb": "Indikatorene", "en": "The indicators"},
    "funnel_title": {"nb": "Traktplott", "en": "Funnel plot"},
    "trend_title": {"nb": "Utvikling per tertial", "en": "Trend by tertial"},
    "trend_year_title": {"nb": "Utvikling per år", "en": "Trend by year"},
    "ci_band": {
        "nb": "Skravert: 95 % konfidensintervall for {unit}",
        "en": "Shaded: 95% confidence interval for {unit}",
    },
    "waiting_title": {
        "nb": "Andel som fortsatt venter (Kaplan–Meier)",
        "en": "Share still waiting (Kaplan–Meier)",
    },
    "caterpillar_title": {"nb": "Alle helseforetak", "en": "All health trusts"},
    "trust": {"nb": "Helseforetak", "en": "Health trust"},
    "other_trusts": {"nb": "Andre helseforetak", "en": "Other health trusts"},
    "limits_od": {
        "nb": "Grenser justert for overspredning",
        "en": "Limits adjusted for overdispersion",
    },
    "limits_plain": {"nb": "Ujusterte grenser", "en": "Unadjusted limits"},
    "funnel_lines": {
        "nb": "Heltrukne linjer: kontrollgrenser på 95 % og 99,8 % justert for overspredning "
        "(tilfeldige effekter, additiv modell; Spiegelhalter 2005). Stiplede linjer: ujusterte "
        "grenser. Vannrett linje: landsverdien.",
        "en": "Solid lines: 95% and 99.8% control limits adjusted for overdispersion (random "
        "effects, additive model; Spiegelhalter 2005). Dashed lines: unadjusted limits. "
        "Horizontal line: the national value.",
    },
    "funnel_pooled": {
        "nb": "Grensene ligger rundt samlet observert/forventet for alle helseforetak "
        "({target}, heltrukken vannrett linje); den prikkede linjen er 1, det forventede ut "
        "fra forekomsten i befolkningen.",
        "en": "The limits are around the pooled observed/expected of all health trusts "
        "({target}, solid horizontal line); the dotted line is 1, what the prevalence in the "
        "population leads one to expect.",
    },
    "funnel_dispersion": {
        "nb": "Overspredning: φ = {phi}, τ² = {tau2} ({k} enheter).",
        "en": "Overdispersion: φ = {phi}, τ² = {tau2} ({k} units).",
    },
    "funnel_tau_zero": {
        "nb": "Med τ² = 0 er de justerte grensene de samme som de ujusterte.",
        "en": "With τ² = 0 the adjusted limits are the unadjusted ones.",
    },
    "funnel_no_dispersion": {
        "nb": "φ og τ² er ikke publisert i resultatene for denne indikatoren.",
        "en": "φ and τ² are not published in the results for this indicator.",
    },
    "hidden_in_funnel": {
        "nb": "{unit} vises ikke i traktplottet: verdien er skjult ({reason}).",
        "en": "{unit} is not shown in the funnel plot: the value is withheld ({reason}).",
    },
    "hidden_in_trend": {
        "nb": "Grafen mangler verdien for {unit} i {periods}.",
        "en": "The chart lacks the value for {unit} in {periods}.",
    },
    "and": {"nb": "og", "en": "and"},
    "funnel_flagged": {
        "nb": "Helseforetak utenfor grensene (justert for overspredning)",
        "en": "Health trusts beyond the limits (adjusted for overdispersion)",
    },
    "flags_without_limits": {
        "nb": "Helseforetakene er sammenlignet med landet i en traktmodell (kontrollgrenser på "
        "95 % og 99,8 % rundt landsverdien, justert for overspredning), men grensene vises "
        "ikke: av dem kunne antallet pasienter som har startet behandling, regnes ut.",
        "en": "The trusts are compared with the nation in a funnel model (95% and 99.8% "
        "control limits around the national value, adjusted for overdispersion), but the "
        "limits are not shown: the number of patients who started care could be worked out "
        "from them.",
    },
    "funnel_none_flagged": {
        "nb": "Ingen helseforetak ligger utenfor 95 %-grensene justert for overspredning.",
        "en": "No health trust lies beyond the 95% limits adjusted for overdispersion.",
    },
    "no_catchment": {
        "nb": "Indikatoren gjelder befolkningen i et opptaksområde, og resultatene har ingen "
        "tall for {unit} som opptaksområde: helseforetaket har ikke et eget opptaksområde i "
        "beregningen.",
        "en": "The indicator is about the population of a catchment area, and the results "
        "hold no figures for {unit} as a catchment area: the trust has no catchment area of "
        "its own in the computation.",
    },
    "no_catchment_short": {"nb": "ikke eget opptaksområde", "en": "no catchment area"},
    "yearly_only": {
        "nb": "Indikatoren beregnes bare per år, ikke per tertial; verdien for {year} står i "
        "rapporten for {year}.",
        "en": "The indicator is computed per year only, not per tertial; the value for {year} "
        "is in the report for {year}.",
    },
    "yearly_only_short": {"nb": "bare per år", "en": "yearly only"},
    "no_row": {
        "nb": "Resultatene har ingen tall for {unit} i {period}.",
        "en": "The results hold no figures for {unit} in {period}.",
    },
    "no_row_short": {"nb": "ingen tall", "en": "no figures"},
    "outlier_shape": {
        "nb": "Utenfor 99,8 %-grensene (justert)",
        "en": "Beyond the 99.8% limits (adjusted)",
    },
    "inside_shape": {"nb": "Innenfor", "en": "Within"},
    "caterpillar_note": {
        "nb": "Punkt: verdien, strek: 95 % konfidensintervall, stiplet linje: landsverdien. "
        "Farge: måloppnåelse.",
        "en": "Dot: the value, bar: 95% confidence interval, dashed line: the national value. "
        "Colour: goal achievement.",
    },
    "caterpillar_note_no_interval": {
        "nb": "Punkt: verdien, stiplet linje: landsverdien. Farge: måloppnåelse. Verdien "
        "publiseres uten konfidensintervall.",
        "en": "Dot: the value, dashed line: the national value. Colour: goal achievement. "
        "The value is published without a confidence interval.",
    },
    "caterpillar_outlier_note": {
        "nb": "Rute: helseforetaket ligger utenfor 99,8 %-grensene i traktplottet, justert for "
        "overspredning.",
        "en": "Diamond: the trust lies beyond the 99.8% funnel-plot limits adjusted for "
        "overdispersion.",
    },
    "limit": {"nb": "Grense", "en": "Limit"},
    "days_since_referral": {
        "nb": "Dager siden henvisning mottatt",
        "en": "Days since referral received",
    },
    "still_waiting": {"nb": "Andel som venter", "en": "Share still waiting"},
    "no_curve": {
        "nb": "Ingen ventetidskurve kan publiseres for helseforetaket i perioden.",
        "en": "No waiting-time curve can be published for the trust in the period.",
    },
    "variation": {"nb": "Variasjon mellom enheter", "en": "Variation between units"},
    "variation_all": {
        "nb": "Variasjon mellom helseforetak per indikator",
        "en": "Variation between health trusts per indicator",
    },
    "variation_note": {
        "nb": "k: antall enheter; CV: variasjonskoeffisient; FT1–FT3: forholdet mellom høyeste "
        "og laveste, nest høyeste og nest laveste, osv.; SCV: systematisk variasjonskomponent; "
        "φ: overspredningsfaktor; τ²: varians mellom enheter.",
        "en": "k: number of units; CV: coefficient of variation; FT1–FT3: highest over lowest, "
        "second highest over second lowest, and so on; SCV: systematic component of "
        "variation; φ: overdispersion factor; τ²: between-unit variance.",
    },
    "level": {"nb": "Nivå", "en": "Level"},
    "level_trust": {"nb": "behandlende helseforetak", "en": "treating trust"},
    "level_catchment": {"nb": "opptaksområde", "en": "catchment area"},
    "level_rhf": {"nb": "regionalt helseforetak", "en": "regional health authority"},
    "level_national": {"nb": "nasjonalt", "en": "national"},
    "outliers": {
        "nb": "Avvikere utenfor 99,8 %-grensene",
        "en": "Outliers beyond the 99.8% limits",
    },
    "outliers_note": {
        "nb": "Helseforetak utenfor 99,8 %-kontrollgrensene justert for overspredning; "
        "ujustert plassering i egen kolonne.",
        "en": "Health trusts beyond the 99.8% control limits adjusted for overdispersion; "
        "the unadjusted position in its own column.",
    },
    "no_outliers": {
        "nb": "Ingen helseforetak ligger utenfor 99,8 %-grensene.",
        "en": "No health trust lies beyond the 99.8% limits.",
    },
    "outliers_short": {"nb": "avvikere", "en": "outliers"},
    "no_funnel_limits": {
        "nb": "Ikke vurdert: indikatoren har ingen kontrollgrenser i traktplott i perioden.",
        "en": "Not assessed: the indicator has no funnel-plot control limits in the period.",
    },
    "contents": {"nb": "Innhold", "en": "Contents"},
    "national_values": {
        "nb": "Nasjonale verdier og utvikling",
        "en": "National values and trends",
    },
    "national_values_note": {
        "nb": "Landsverdien per år. Endringen er fra året før til siste år, for andeler i "
        "prosentpoeng; «bedre» og «dårligere» sier i hvilken retning verdien har gått, ikke "
        "om endringen er statistisk sikker.",
        "en": "The national value per year. The change is from the year before to the last "
        "year, for shares in percentage points; 'better' and 'worse' say which way the value "
        "went, not whether the change is statistically significant.",
    },
    "national_values_incomplete": {
        "nb": "«ufullstendig periode»: året holder ikke alle tilfellene (for eksempel er ikke "
        "alle avgjort ved uttrekksdatoen), så endringen sier ikke om det er blitt bedre.",
        "en": "'incomplete period': the year does not hold every case (for example, not all "
        "are decided by the extract date), so the change does not say whether things improved.",
    },
    "national_values_judged": {
        "nb": "Ventetiden ({indicators}) er medianen; endringen gjelder medianen, målet "
        "gjennomsnittet.",
        "en": "The waiting time ({indicators}) is the median; the change is of the median, the "
        "goal is on the mean.",
    },
    "change_from": {"nb": "Endring fra {year}", "en": "Change from {year}"},
    "percentage_points": {"nb": "prosentpoeng", "en": "percentage points"},
    "better": {"nb": "bedre", "en": "better"},
    "worse": {"nb": "dårligere", "en": "worse"},
    "unchanged": {"nb": "uendret", "en": "unchanged"},
    "adjusted": {"nb": "Justert", "en": "Adjusted"},
    "unadjusted": {"nb": "Ujustert", "en": "Unadjusted"},
    "direction": {"nb": "Retning", "en": "Direction"},
    "data_quality": {"nb": "Datakvalitet", "en": "Data quality"},
    "no_validation": {
        "nb": "Fant ingen valideringsrapport for uttrekket: datakvaliteten er ikke dokumentert "
        "i denne rapporten. Kjør «indicators validate» på uttrekket og lag rapporten på nytt.",
        "en": "No validation record found for the extract: data quality is not documented in "
        "this report. Run 'indicators validate' on the extract and make the report again.",
    },
    "validation_other_extract": {
        "nb": "Valideringsrapporten gjelder ikke denne versjonen av uttrekket (fingeravtrykket "
        "er et annet); under vises den siste valideringen i rapporten.",
        "en": "The validation record is not for this version of the extract (its fingerprint "
        "differs); the latest validation in the record is shown below.",
    },
    "searched": {"nb": "Lette etter", "en": "Looked for"},
    "validation_unusable": {
        "nb": "Valideringsrapporten kan ikke leses av denne versjonen av programmet: "
        "datakvaliteten er ikke dokumentert i denne rapporten. Kjør «indicators validate» "
        "på uttrekket og lag rapporten på nytt.",
        "en": "The validation record cannot be read by this version of the program: data "
        "quality is not documented in this report. Run 'indicators validate' on the "
        "extract and make the report again.",
    },
    "validation_unreadable_extract": {
        "nb": "Uttrekket kunne ikke leses, så ingen regel ble kontrollert.",
        "en": "The extract could not be read, so no rule was checked.",
    },
    "validation_source": {"nb": "Valideringsrapport", "en": "Validation record"},
    "validation_checked": {
        "nb": "Uttrekket ble validert {date} mot {rules}.",
        "en": "The extract was validated on {date} against {rules}.",
    },
    "validation_passed": {"nb": "Uttrekket besto valideringen.", "en": "The extract passed."},
    "validation_failed": {
        "nb": "Uttrekket besto ikke valideringen.",
        "en": "The extract did not pass validation.",
    },
    "rule": {"nb": "Regel", "en": "Rule"},
    "rule_one": {"nb": "regel", "en": "rule"},
    "rule_many": {"nb": "regler", "en": "rules"},
    "status": {"nb": "Status", "en": "Status"},
    "rows_affected": {"nb": "Rader", "en": "Rows"},
    "rows_for_trust": {"nb": "Rader for helseforetaket", "en": "Rows for the trust"},
    "severity": {"nb": "Alvorlighet", "en": "Severity"},
    "description": {"nb": "Beskrivelse", "en": "Description"},
    "no_failed_rules": {"nb": "Ingen regler feilet.", "en": "No rule failed."},
    "rules_in_english": {
        "nb": "Beskrivelsene av reglene kommer fra valideringen og er på engelsk.",
        "en": "",
    },
    "methods": {"nb": "Metodevedlegg", "en": "Methods appendix"},
    "disclosure_title": {"nb": "Skjerming av små tall", "en": "Disclosure control"},
    "disclosure_why": {
        "nb": "Noen celler viser «skjult» fordi et antall under fem et annet sted ellers "
        "kunne regnes ut ved å kombinere publiserte tall. Tabellen viser hvor mange rader "
        "som er holdt tilbake etter hver regel (informasjonstapet).",
        "en": "Some cells read 'withheld' because a count below five elsewhere could "
        "otherwise be worked out by combining published figures. The table gives how many "
        "rows each rule held back (the information lost).",
    },
    "disclosure_audit": {
        "nb": "Revisjon: {audited} skjulte antall angrepet med lineær programmering; "
        "bestått: {passed}.",
        "en": "Audit: {audited} withheld counts attacked by linear programming; passed: {passed}.",
    },
    "rule_small_count": {"nb": "«<5»", "en": "'<5'"},
    "rule_too_few": {"nb": "«for få»", "en": "'too few'"},
    "rule_secondary_subtraction": {"nb": "«skjult», subtraksjon", "en": "'withheld', subtraction"},
    "rule_secondary_audit": {"nb": "«skjult», revisjon", "en": "'withheld', audit"},
    "level_period": {"nb": "Nivå og periode", "en": "Level and period"},
    "rows_published": {"nb": "Rader i alt", "en": "Rows in all"},
    "yes": {"nb": "ja", "en": "yes"},
    "no": {"nb": "nei", "en": "no"},
    "methods_intro": {
        "nb": "Definisjonene under er generert fra indikatorkatalogen i programpakken.",
        "en": "The definitions below are generated from the package's indicator catalogue.",
    },
    "methods_spc": {
        "nb": "Indikatorene for ventetid, pakkeforløp og brukermedvirkning følges også måned "
        "for måned med statistisk prosesskontroll (NHS Englands «Making Data Count»): andeler "
        "i p-diagram, eller Laneys p′-diagram når månedene varierer mer enn binomisk "
        "(overspredning), median ventetid i XmR-diagram (gjennomsnitt ± 2,66 × gjennomsnittlig "
        "glidende variasjonsbredde). Grensene beregnes fra alle publiserte, fullstendige "
        "måneder; skjulte og ufullstendige måneder inngår ikke. Spesiell variasjon er et punkt "
        "utenfor grensene, sju punkter på rad på samme side av senterlinjen, sju punkter på "
        "rad som stiger eller synker, eller to av tre punkter nær samme grense. Vurderingen av "
        "målet sammenligner kontrollgrensene med målet. Månedene beregnes for landet, "
        "regionene og helseforetakene, ikke for opptaksområdene, og bare for år der landet "
        "har minst 20 tilfeller per helseforetak og måned.",
        "en": "The waiting-time, pathway and user-involvement indicators are also followed "
        "month by month with statistical process control (NHS England's Making Data Count): "
        "shares in a p-chart, or Laney's p′ chart where the months vary more than binomially "
        "(overdispersion), the median waiting time in an XmR chart (mean ± 2.66 × mean moving "
        "range). Limits come from every published whole month; withheld and incomplete "
        "months take no part. Special cause variation is a point outside the limits, seven "
        "points in a row on one side of the centre line, seven points in a row rising or "
        "falling, or two of three points close to the same limit. Target assurance compares "
        "the process limits with the target. Months are computed for the nation, the regions "
        "and the trusts, not for catchment areas, and only for years in which the nation "
        "holds at least 20 cases per trust and month.",
    },
    "case_mix_title": {"nb": "Justering for behov", "en": "Case-mix adjustment"},
    "case_mix_model": {
        "nb": "Forventet antall er summen av sannsynlighetene for hvert tilfelle, beregnet med "
        "en logistisk regresjonsmodell som er tilpasset alle tilfellene i landet i uttrekkets "
        "periode, alle år samlet. Forklaringsvariablene er kategoriske, og hver av dem "
        "sammenlignes med sitt vanligste nivå: {covariates}. Et forholdstall over 1 betyr "
        "mer enn det pasientenes behov tilsier, sammenlignet med landet som helhet.",
        "en": "The expected number is the sum of each case's probability from a logistic "
        "regression model fitted on every case in the country in the extract's period, "
        "all years together. The covariates are categorical, each compared with its most "
        "common level: {covariates}. A ratio above 1 means more than the patients' need "
        "explains, compared with the country as a whole.",
    },
    "case_mix_fit": {
        "nb": "Modellen er tilpasset {n} tilfeller, {events} av dem med utfallet.",
        "en": "The model is fitted on {n} cases, {events} of them with the outcome.",
    },
    "case_mix_discrimination": {
        "nb": "Diskriminering: c-statistikken (arealet under ROC-kurven, regnet med "
        "Mann–Whitney-formelen på de predikerte sannsynlighetene) er {c}. Den er "
        "sannsynligheten for at et tilfeldig valgt tilfelle med utfallet har høyere "
        "predikert sannsynlighet enn et tilfeldig valgt tilfelle uten; 0,5 skiller ikke bedre enn "
        "tilfeldig, 1 skiller helt.",
        "en": "Discrimination: the c-statistic (area under the ROC curve, computed with the "
        "Mann–Whitney formula on the predicted probabilities) is {c}: the probability that a "
        "random case with the outcome has a higher predicted probability than a random one "
        "without; 0.5 separates no better than chance, 1 separates perfectly.",
    },
    "case_mix_calibration": {
        "nb": "Kalibrering: observert og forventet andel med utfallet etter tidel av predikert "
        "sannsynlighet. En godt kalibrert modell har like andeler i hver tidel.",
        "en": "Calibration: observed and expected share with the outcome by tenth of predicted "
        "probability. In a well-calibrated model the shares agree in every tenth.",
    },
    "case_mix_missing": {
        "nb": "Modellens tilpasning er ikke med i resultatene denne rapporten bygger på.",
        "en": "The model's fit is not in the results this report is built on.",
    },
    "case_mix_decile": {"nb": "Tidel", "en": "Tenth"},
    "case_mix_cases": {"nb": "Tilfeller", "en": "Cases"},
    "case_mix_observed_rate": {"nb": "Observert andel", "en": "Observed share"},
    "case_mix_expected_rate": {"nb": "Forventet andel", "en": "Expected share"},
    "covariate_age_band": {"nb": "aldersgruppe", "en": "age band"},
    "covariate_sex": {"nb": "kjønn", "en": "sex"},
    "covariate_housing": {"nb": "bosituasjon", "en": "housing"},
    "covariate_diagnosis_group": {
        "nb": "hoveddiagnosegruppe (F10–F19 etter rusmiddel)",
        "en": "main diagnosis group (F10–F19 by substance)",
    },
    "covariate_previous_inpatient": {
        "nb": "tidligere tildelt døgnbehandling",
        "en": "inpatient care assigned before",
    },
    "covariate_requested_level": {"nb": "ønsket behandlingsnivå", "en": "requested level"},
    "methods_general": {
        "nb": "Andeler har Wilson-intervall, forholdstall (observert/forventet) Byar- eller "
        "eksakte Poisson-intervall, ventetider Kaplan–Meier-estimat med sensurering ved "
        "uttrekksdato. Traktplottene har kontrollgrenser på 95 % og 99,8 % rundt landsverdien, "
        "justert for overspredning (Spiegelhalter 2005). Antall fra 1 til 4 personer vises "
        "som «<5», og verdier med for lav nevner som «for få». Når bare én enhet i en total "
        "er skjult for et lite antall, skjules også den minste andre enheten («skjult»), så "
        "antallet ikke kan regnes ut ved å trekke de andre fra totalen. Deretter angripes "
        "tabellene slik en utenforstående kunne gjort: med lineær programmering over alle "
        "sammenhenger mellom publiserte tall (nivåer, opptaksområder, tertialer og år, felles "
        "nevnere) beregnes hvor snevert hvert skjult lite antall kan avgrenses, og flere "
        "celler skjules til ingen kan avgrenses for snevert.",
        "en": "Shares have Wilson intervals, ratios (observed/expected) Byar or exact Poisson "
        "intervals, waiting times Kaplan–Meier estimates censored at the extract date. The "
        "funnel plots have 95% and 99.8% control limits around the national value, adjusted "
        "for overdispersion (Spiegelhalter 2005). Counts of 1 to 4 persons show as '<5', and "
        "values with too small a denominator as 'too few'. When only one unit of a total is "
        "withheld for a small count, the smallest other unit is withheld too ('withheld'), "
        "so that the count cannot be worked out by subtracting the others from the total. "
        "The tables are then attacked as an outsider could: linear programming over every "
        "relation between published figures (levels, catchment areas, tertials and years, "
        "shared denominators) gives how narrowly each withheld small count can be bounded, "
        "and more cells are withheld until none can be bounded too narrowly.",
    },
    "population": {"nb": "Populasjon (nevner)", "en": "Population (denominator)"},
    "exclusions": {"nb": "Eksklusjoner", "en": "Exclusions"},
    "numerator": {"nb": "Teller", "en": "Numerator"},
    "unit": {"nb": "Enhet", "en": "Unit"},
    "targets": {"nb": "Målnivåer", "en": "Targets"},
    "min_denominator": {"nb": "Minste nevner", "en": "Minimum denominator"},
    "method": {"nb": "Metode", "en": "Method"},
    "levels": {"nb": "Nivåer", "en": "Levels"},
    "periods": {"nb": "Perioder", "en": "Periods"},
    "sources": {"nb": "Kilder", "en": "Sources"},
    "period_date": {
        "nb": "Dato som plasserer et tilfelle i en periode",
        "en": "Date that places a case in a period",
    },
    "period_year": {"nb": "år", "en": "year"},
    "period_tertial": {"nb": "tertial", "en": "tertial"},
    "in_english": {"nb": "engelsk", "en": "English"},
    "in_english_note": {
        "nb": "Tekst merket «(engelsk)» finnes bare på engelsk i indikatorkatalogen.",
        "en": "",
    },
    "unit_fraction": {"nb": "andel", "en": "share"},
    "unit_days": {"nb": "dager", "en": "days"},
    "unit_ratio": {"nb": "forholdstall (O/E)", "en": "ratio (O/E)"},
    "higher_is_better": {"nb": "høyere er bedre", "en": "higher is better"},
    "lower_is_better": {"nb": "lavere er bedre", "en": "lower is better"},
    "illustrative": {"nb": "illustrativt", "en": "illustrative"},
    "high_from": {"nb": "høy", "en": "high"},
    "moderate_from": {"nb": "middels", "en": "moderate"},
    "index_title": {"nb": "Rapporter", "en": "Reports"},
    "report": {"nb": "Rapport", "en": "Report"},
    "notebook": {"nb": "Notatbok", "en": "Notebook"},
    "status_ok": {"nb": "ferdig", "en": "done"},
    "status_failed": {"nb": "feilet", "en": "failed"},
    "error": {"nb": "Feil", "en": "Error"},
    "leak_check": {"nb": "lekkasjekontroll", "en": "leak check"},
    "extract_not_found": {"nb": "fant ikke uttrekket", "en": "the extract was not found"},
    "no_extract": {
        "nb": "resultatene oppgir ikke uttrekket",
        "en": "the results do not name their extract",
    },
    "extract_unreadable": {"nb": "kunne ikke lese uttrekket", "en": "could not read the extract"},
    "ids_shape_only": {
        "nb": "pasient-id-er ble bare kontrollert etter formen (P + 8 sifre), ikke mot "
        "uttrekket; oppgi uttrekket med --extract",
        "en": "patient ids were checked by their shape only (P + 8 digits), not against the "
        "extract; name the extract with --extract",
    },
    "no_validation_warning": {
        "nb": "Ingen valideringsrapport funnet: datakvalitetsavsnittene i rapportene er tomme",
        "en": "No validation record found: the reports' data-quality sections are empty",
    },
    "skipped_no_data": {
        "nb": "Ingen rapport for {count} helseforetak som resultatene ikke har rader for i "
        "{period}",
        "en": "No report for {count} trusts that the results hold no rows for in {period}",
    },
    "seconds": {"nb": "Sekunder", "en": "Seconds"},
    "mean_days": {"nb": "Gjennomsnittlig ventetid", "en": "Mean waiting time"},
    "median_days": {"nb": "Median ventetid", "en": "Median waiting time"},
    # statistical process control (SPC) charts and their icons
    "spc_improvement": {
        "nb": "Spesiell variasjon – forbedring",
        "en": "Special cause improvement",
    },
    "spc_concern": {"nb": "Spesiell variasjon – bekymring", "en": "Special cause concern"},
    "spc_neither": {
        "nb": "Spesiell variasjon – verken forbedring eller bekymring",
        "en": "Special cause variation – neither improvement nor concern",
    },
    "spc_common": {"nb": "Vanlig variasjon", "en": "Common cause variation"},
    "spc_no_variation": {"nb": "Variasjon ikke vurdert", "en": "Variation not assessed"},
    "spc_meets": {"nb": "Når målet hver gang", "en": "Consistently meets target"},
    "spc_fails": {"nb": "Når ikke målet", "en": "Consistently fails target"},
    "spc_hit_and_miss": {"nb": "Tilfeldig om målet nås", "en": "Hit and miss"},
    "spc_no_target": {"nb": "Ingen mål", "en": "No target"},
    "spc_higher": {"nb": "høyere", "en": "higher"},
    "spc_lower": {"nb": "lavere", "en": "lower"},
    "spc_variation": {"nb": "Variasjon", "en": "Variation"},
    "spc_assurance": {"nb": "Måloppnåelse", "en": "Target assurance"},
    "spc_centre": {"nb": "Senterlinje", "en": "Centre line"},
    "spc_limits": {"nb": "Kontrollgrenser", "en": "Process limits"},
    "spc_target": {"nb": "Mål", "en": "Target"},
    "spc_line": {"nb": "Linje", "en": "Line"},
    "month": {"nb": "Måned", "en": "Month"},
    "period_month": {"nb": "måned", "en": "month"},
    "month_names": {
        "nb": "januar,februar,mars,april,mai,juni,juli,august,september,oktober,november,desember",
        "en": "January,February,March,April,May,June,July,August,September,October,November,"
        "December",
    },
    "spc_title": {
        "nb": "Måned for måned (statistisk prosesskontroll)",
        "en": "Month by month (statistical process control)",
    },
    "spc_chart_note": {
        "nb": "Senterlinjen er gjennomsnittet av månedene, kontrollgrensene viser hvor mye "
        "verdiene varierer av tilfeldige grunner. Spesiell variasjon (farget punkt) er et "
        "punkt utenfor grensene, sju måneder på rad på samme side av senterlinjen, sju "
        "måneder på rad som stiger eller synker, eller to av tre måneder nær en grense. "
        "Måneder uten publisert verdi og ufullstendige måneder (hule punkter) inngår ikke.",
        "en": "The centre line is the mean of the months; the process limits show how much "
        "the values vary by chance. Special cause variation (a coloured point) is a point "
        "outside the limits, seven months in a row on one side of the centre line, seven "
        "months in a row rising or falling, or two of three months close to a limit. "
        "Withheld and incomplete months (hollow points) take no part.",
    },
    "what_changed": {"nb": "Hva har endret seg", "en": "What changed"},
    "what_changed_none": {
        "nb": "Ingen av de månedlige indikatorene viser spesiell variasjon i {year}.",
        "en": "None of the monthly indicators shows special cause variation in {year}.",
    },
    "what_changed_rules": {
        "nb": "Månedlige indikatorer med spesiell variasjon i året (statistisk "
        "prosesskontroll, reglene i «Making Data Count»); «siden» er første måned i den "
        "sammenhengende perioden med samme vurdering.",
        "en": "Monthly indicators with special cause variation this year (statistical "
        "process control, the rules of Making Data Count); 'since' is the first month of "
        "the unbroken stretch with the same verdict.",
    },
    "what_changed_chance": {
        "nb": "Også en stabil prosess gir av og til et signal: tilfeldig viser omtrent {share} "
        "av stabile indikatorer spesiell variasjon i løpet av et år.",
        "en": "A stable process also signals now and then: by chance alone about {share} of "
        "stable indicators show special cause variation within a year.",
    },
    "spc_since": {"nb": "Siden", "en": "Since"},
    "remaining_variation": {
        "nb": "Variasjon mellom opptaksområdene som gjenstår etter justering for "
        "pasientsammensetning: overspredningen φ er {phi_adjusted} for {adjusted} mot "
        "{phi_crude} for {crude} (justert bare for alder og kjønn); den systematiske "
        "variasjonen (SCV) er {scv_adjusted} % mot {scv_crude} %.",
        "en": "Variation between catchment areas that remains after case-mix adjustment: "
        "the overdispersion φ is {phi_adjusted} for {adjusted} against {phi_crude} for "
        "{crude} (adjusted for age and sex only); the systematic component of variation "
        "(SCV) is {scv_adjusted} % against {scv_crude} %.",
    },
    "spc_latest_value": {"nb": "Siste verdi", "en": "Latest value"},
    "spc_latest_month": {"nb": "Siste måned", "en": "Latest month"},
    "spc_improvement_short": {"nb": "forbedring", "en": "improvement"},
    "spc_concern_short": {"nb": "bekymring", "en": "concern"},
    "spc_neither_short": {"nb": "spesiell", "en": "special"},
    "spc_common_short": {"nb": "vanlig", "en": "common"},
    "spc_no_variation_short": {"nb": "ikke vurdert", "en": "not assessed"},
    "spc_national": {
        "nb": "Måned for måned: landet og helseforetakene",
        "en": "Month by month: the nation and the trusts",
    },
    "spc_matrix": {
        "nb": "Helseforetakenes månedlige serier",
        "en": "The trusts' monthly series",
    },
    "spc_matrix_note": {
        "nb": "Vurderingen av hver serie ved siste måned: spesiell variasjon som forbedring "
        "eller bekymring, med H (høyere) eller L (lavere) enn senterlinjen, eller vanlig "
        "variasjon; – der helseforetaket ikke har en månedlig serie.",
        "en": "Each series' verdict at its latest month: special cause improvement or "
        "concern, with H (higher) or L (lower) than the centre line, or common cause; – "
        "where the trust has no monthly series.",
    },
}


#: Bokmål for the fixed vocabulary of the indicator catalogue, which is written in
#: English: statistical methods, the dates that place a case in a period, common
#: exclusions, goal sources and the English source notes.  Keyed by the exact English
#: text; catalogue text not found here is shown in English, marked as such
#: (:func:`catalogue_text`).  Definitions (population, numerator) are not translated
#: here: a definition is worded once, in the catalogue.
CATALOGUE_NB: dict[str, str] = {
    # methods
    "Wilson score interval": "Wilson-intervall",
    "Kaplan–Meier median with Brookmeyer–Crowley interval; mean of completed waits": (
        "Kaplan–Meier-median med Brookmeyer–Crowley-intervall; gjennomsnitt av avsluttede "
        "ventetider"
    ),
    "Indirect age/sex standardisation (O/E x national share); Byar / exact Poisson interval on O": (
        "Indirekte standardisering for alder og kjønn (O/E × nasjonal andel); Byar- eller "
        "eksakt Poisson-intervall for O"
    ),
    "Indirect age/sex standardisation (O/E x national share); exact Poisson interval on O": (
        "Indirekte standardisering for alder og kjønn (O/E × nasjonal andel); eksakt "
        "Poisson-intervall for O"
    ),
    "Indirect standardisation O/E; exact Poisson interval": (
        "Indirekte standardisering O/E; eksakt Poisson-intervall"
    ),
    "Indirect standardisation O/E; Byar (O >= 10) or exact Poisson interval": (
        "Indirekte standardisering O/E; Byar-intervall (O ≥ 10) eller eksakt Poisson-intervall"
    ),
    # dates that place a case in a period
    "referrals.received_date": "datoen henvisningen ble mottatt",
    "pathway_events.event_date of first_attendance": ("datoen for første oppmøte i forløpet"),
    "pathway_events.event_date of clinical_decision": ("datoen for klinisk beslutning i forløpet"),
    "pathway_events.event_date of end": ("datoen forløpet ble avsluttet"),
    "first TSB/PHV contact of the patient in the year": (
        "pasientens første kontakt i TSB eller PHV i året"
    ),
    # exclusions
    "none": "ingen",
    "unassessed referrals": "henvisninger som ikke er vurdert",
    "none; referrals still waiting are censored at the extract date": (
        "ingen; henvisninger som fortsatt venter, sensureres ved uttrekksdatoen"
    ),
    "patients under 18 in the year; patients without a known birth year or sex": (
        "pasienter under 18 år i året; pasienter uten kjent fødselsår eller kjønn"
    ),
    # goal sources and source notes
    "National goal: mean waiting time < 30 days": (
        "Nasjonalt mål: gjennomsnittlig ventetid under 30 dager"
    ),
    "National goal: mean waiting time < 30 days (judged on the mean of completed waits; "
    "the 45-day moderate threshold is illustrative)": (
        "Nasjonalt mål: gjennomsnittlig ventetid under 30 dager (vurdert på gjennomsnittet av "
        "avsluttede ventetider; grensen på 45 dager for middels er illustrativ)"
    ),
    "National goal: 80 %": "Nasjonalt mål: 80 %",
    "Case-mix adjustment: logistic regression on all the extract's cases nationally (age "
    "band, sex, housing, main diagnosis group F10–F19, previous inpatient care, requested "
    "level); O/E with the exact Poisson interval on O": (
        "Justering for pasientsammensetning: logistisk regresjon på alle tilfellene i "
        "uttrekket nasjonalt (aldersgruppe, kjønn, bosituasjon, hoveddiagnosegruppe "
        "F10–F19, tidligere døgnbehandling, ønsket behandlingsnivå); observert/forventet "
        "med eksakt Poisson-intervall på observert antall"
    ),
    "Seed article: unwarranted variation in TSB treatment level": (
        "Utgangsartikkel: uberettiget variasjon i behandlingsnivå i TSB"
    ),
    "Seed article: homeless patients given outpatient care": (
        "Utgangsartikkel: bostedsløse pasienter som får poliklinisk behandling"
    ),
    "Prevalence table: ILLUSTRATIVE, see reference/data/SOURCES.md": (
        "Prevalenstabell: ILLUSTRATIV, ikke en offisiell kilde (kildene til tallene er "
        "beskrevet i programpakkens dokumentasjon)"
    ),
}


#: English catalogue text that points the reader to files of the package, which a reader
#: of a report does not have: what the report says instead.
CATALOGUE_EN: dict[str, str] = {
    "Prevalence table: ILLUSTRATIVE, see reference/data/SOURCES.md": (
        "Prevalence table: ILLUSTRATIVE, not an official source (the sources of its figures "
        "are described in the package's documentation)"
    ),
}


def catalogue_text(value: str, lang: str = "nb") -> tuple[str, bool]:
    """Catalogue text in ``lang``, and whether it is still English in a bokmål report.

    >>> catalogue_text("Wilson score interval")
    ('Wilson-intervall', False)
    >>> catalogue_text("ended D01 pathways")
    ('ended D01 pathways', True)
    >>> catalogue_text("ended D01 pathways", "en")
    ('ended D01 pathways', False)
    """
    check_lang(lang)
    if lang == "en" or not value:
        return CATALOGUE_EN.get(value, value), False
    if value in CATALOGUE_NB:
        return CATALOGUE_NB[value], False
    return value, True


def text(key: str, lang: str = "nb") -> str:
    """The fixed text ``key`` in ``lang``; raises KeyError naming a missing key."""
    return lookup(TEXT, key, lang)
