//! The OpenAPI 3.1 document of `/api/v1`, written by hand as JSON (the case log's operations
//! in [`crate::cases_api::extend_openapi`]). A test checks that it lists exactly the routes of
//! [`crate::api::PATHS`] and [`crate::cases_api::PATHS`] and that each one answers.

use serde_json::{Value as J, json};

fn lang_param() -> J {
    json!({"name": "lang", "in": "query", "required": false,
           "description": "Language of the texts: en (default) or fr",
           "schema": {"type": "string", "enum": ["en", "fr"]}})
}

fn id_param(what: &str) -> J {
    json!({"name": "id", "in": "path", "required": true, "description": what, "schema": {"type": "string"}})
}

fn ok(description: &str, schema: J) -> J {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn err(description: &str) -> J {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

fn eval_op(summary: &str, description: &str, response: J) -> J {
    json!({
        "summary": summary,
        "description": description,
        "parameters": [
            lang_param(),
            {"name": "as_of", "in": "query", "required": false,
             "description": "Rules in force on this date (YYYY-MM-DD); default today",
             "schema": {"type": "string", "format": "date"}},
            {"name": "explain", "in": "query", "required": false,
             "description": "Include the explanation of each obligation (default true)",
             "schema": {"type": "boolean"}}
        ],
        "requestBody": {
            "required": true,
            "description": "Answers keyed by fact name (docs/language.md §12); the JSON Schema is at /api/v1/schema/json-schema",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Answers"}}}
        },
        "responses": {
            "200": response,
            "400": err("Malformed JSON, answers that do not fit the schema (each problem with its JSON pointer), or a bad query parameter"),
            "413": err("Body larger than the limit (256 KiB)")
        }
    })
}

/// The document.
pub fn document() -> J {
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Passerelle API",
            "version": crate::VERSION,
            "description": "Which rules apply to a Government of Canada delivery project: evaluate answers against the policy packs served by this instance. Texts are in English or French (`lang`). Every error is JSON and names the field (JSON pointer) or parameter at fault.",
            "license": {"name": "MIT OR Apache-2.0"}
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1": {"get": {"summary": "Index of the API", "responses": {"200": ok("Name, version and paths", json!({"type": "object"}))}}},
            "/api/v1/packs": {"get": {"summary": "Packs served", "responses": {"200": ok("The packs, base first", json!({"type": "object", "properties": {"packs": {"type": "array", "items": {"$ref": "#/components/schemas/Pack"}}}}))}}},
            "/api/v1/schema": {"get": {"summary": "The fact schema: questions, help, options, groups and journeys in both languages", "responses": {"200": ok("The schema", json!({"type": "object", "properties": {"facts": {"type": "array"}, "groups": {"type": "array"}, "journeys": {"type": "array"}}}))}}},
            "/api/v1/schema/json-schema": {"get": {"summary": "The answers object as a JSON Schema (2020-12)", "responses": {"200": {"description": "A JSON Schema", "content": {"application/schema+json": {"schema": {"type": "object"}}}}}}},
            "/api/v1/evaluate": {"post": eval_op("Evaluate answers", "Returns the engine's verdict: obligations with explanations, displaced and undetermined rules, myths, the next question, rules to confirm, contacts.", ok("The verdict", json!({"$ref": "#/components/schemas/Verdict"})))},
            "/api/v1/next": {"post": eval_op("The next question", "The question that settles the most undetermined rules, or null when none remains.", ok("The next question", json!({"type": "object", "properties": {"next_question": {"oneOf": [{"$ref": "#/components/schemas/Question"}, {"type": "null"}]}, "complete": {"type": "boolean"}}})))},
            "/api/v1/rules": {"get": {"summary": "Every rule and exception", "parameters": [lang_param()], "responses": {"200": ok("The rules", json!({"type": "object"})), "400": err("Bad query parameter")}}},
            "/api/v1/rules/{id}": {"get": {"summary": "One rule", "parameters": [id_param("Rule id"), lang_param()], "responses": {"200": ok("The rule", json!({"type": "object"})), "404": err("No such rule")}}},
            "/api/v1/myths": {"get": {"summary": "Every myth", "parameters": [lang_param()], "responses": {"200": ok("The myths", json!({"type": "object"})), "400": err("Bad query parameter")}}},
            "/api/v1/myths/{id}": {"get": {"summary": "One myth", "parameters": [id_param("Myth id"), lang_param()], "responses": {"200": ok("The myth", json!({"type": "object"})), "404": err("No such myth")}}},
            "/api/v1/instruments": {"get": {"summary": "Instruments and their provisions' paraphrases", "parameters": [lang_param()], "responses": {"200": ok("The instruments", json!({"type": "object"})), "400": err("Bad query parameter")}}},
            "/api/v1/results/{id}": {"get": {"summary": "A saved result, re-evaluated (the JSON download of the results page)", "parameters": [id_param("Result id"), lang_param()], "responses": {"200": ok("Answers, packs, date and verdict", json!({"type": "object", "properties": {"id": {"type": "string"}, "created_at": {"type": "string"}, "journey": {"type": ["string", "null"]}, "as_of": {"type": "string", "format": "date"}, "packs": {"type": "array"}, "answers": {"$ref": "#/components/schemas/Answers"}, "verdict": {"$ref": "#/components/schemas/Verdict"}}})), "404": err("No such result")}}},
            "/api/v1/results/{id}/documents": {"get": {"summary": "The generated documents that apply to a saved result", "description": "For each document whose condition holds: its title in both languages, whether the English and French versions are ready (with the addresses of their files), and the questions still to answer, each with the page where it is answered.", "parameters": [id_param("Result id")], "responses": {"200": ok("The documents", json!({"type": "object", "properties": {"result": {"type": "string"}, "pdf": {"type": "boolean", "description": "Whether this server makes PDF files"}, "documents": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}}}})), "400": err("A query parameter (none is accepted)"), "404": err("No such result")}}},
            "/api/v1/documents/{kind}": {"get": {
                "summary": "A generated document of a saved result (privacy notice, consent form, results report…)",
                "description": "The document filled from the result's answers, in one language and format. PDF and Markdown come as attachments (Content-Disposition), HTML inline (a printable page). When the answers lack facts the document needs, 422 names each one; when the document does not apply to the answers, 422 with an empty list.",
                "parameters": [
                    {"name": "kind", "in": "path", "required": true, "description": "Document id, as the pack's templates name it (privacy-notice, consent-form, results-report)", "schema": {"type": "string"}},
                    {"name": "result", "in": "query", "required": true, "description": "Id of a saved result", "schema": {"type": "string"}},
                    {"name": "lang", "in": "query", "required": false, "description": "Language of the document: en (default) or fr", "schema": {"type": "string", "enum": ["en", "fr"]}},
                    {"name": "format", "in": "query", "required": false, "description": "pdf (default; tagged PDF/UA-1, fonts embedded), html or md", "schema": {"type": "string", "enum": ["pdf", "html", "md"]}}
                ],
                "responses": {
                    "200": {"description": "The document", "content": {
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                        "text/html": {"schema": {"type": "string"}},
                        "text/markdown": {"schema": {"type": "string"}}}},
                    "400": err("A bad or unknown query parameter, or no `result`"),
                    "404": err("No such result or document"),
                    "422": {"description": "The document cannot be made from these answers: the facts still needed (empty when the document does not apply)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DocumentError"}}}},
                    "501": err("This server was built without PDF support")
                }}},
            "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": ok("OpenAPI 3.1", json!({"type": "object"}))}}}
        },
        "components": {
            "schemas": {
                "Answers": {"type": "object", "description": "Answers keyed by fact name: booleans, integers, money (\"1234.56\"), dates (\"YYYY-MM-DD\"), text, an option name, a list of option names, or a list of records for a group. null or a missing key means unanswered. The exact schema of the packs served is at /api/v1/schema/json-schema.", "additionalProperties": true},
                "Bi": {"type": "object", "required": ["en", "fr"], "properties": {"en": {"type": "string"}, "fr": {"type": "string"}}},
                "Problem": {"type": "object", "required": ["expected", "message"], "properties": {
                    "pointer": {"type": "string", "description": "JSON pointer to the value at fault (\"/tools/0/hosting\")"},
                    "parameter": {"type": "string", "description": "Query parameter at fault"},
                    "expected": {"type": "string"},
                    "message": {"$ref": "#/components/schemas/Bi"}}},
                "Error": {"type": "object", "required": ["status", "title", "errors"], "properties": {
                    "status": {"type": "integer"}, "title": {"$ref": "#/components/schemas/Bi"},
                    "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}}}},
                "MissingFact": {"type": "object", "required": ["fact", "question_en", "question_fr"], "properties": {
                    "fact": {"type": "string"}, "question_en": {"type": "string"}, "question_fr": {"type": "string"},
                    "asked": {"type": "string", "enum": ["documents", "interview"], "description": "Where a person answers it: on the document's page, or by continuing the interview"},
                    "href_en": {"type": "string"}, "href_fr": {"type": "string"}}},
                "DocumentError": {"type": "object", "required": ["status", "title", "errors", "missing"], "properties": {
                    "status": {"type": "integer"}, "title": {"$ref": "#/components/schemas/Bi"},
                    "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}},
                    "missing": {"type": "array", "items": {"$ref": "#/components/schemas/MissingFact"}}}},
                "Document": {"type": "object", "properties": {
                    "kind": {"type": "string"}, "title": {"$ref": "#/components/schemas/Bi"},
                    "versions": {"type": "object", "description": "By language (en, fr): {ready, files: {pdf, html, md} or null}"},
                    "missing": {"type": "array", "items": {"$ref": "#/components/schemas/MissingFact"}},
                    "page": {"$ref": "#/components/schemas/Bi"}}},
                "Pack": {"type": "object", "properties": {"id": {"type": "string"}, "version": {"type": "string"}, "digest": {"type": "string"}, "layer": {"type": "string"}, "title": {"$ref": "#/components/schemas/Bi"}}},
                "Citation": {"type": "object", "properties": {"instrument": {"type": "string"}, "title": {"type": "string"}, "section": {"type": "string"}, "url": {"type": "string"}, "paraphrase": {"type": "string"}}},
                "Obligation": {"type": "object", "properties": {
                    "id": {"type": "string"}, "kind": {"type": "string", "enum": ["must", "must_not", "may", "should"]},
                    "kind_label": {"type": "string"}, "text": {"type": "string"}, "intent": {"type": "string"},
                    "domain": {"type": "string"}, "domain_label": {"type": "string"},
                    "phase": {"type": "string", "enum": ["before", "during", "after"]}, "phase_label": {"type": "string"},
                    "layer": {"type": "string"}, "item": {"type": ["object", "null"]},
                    "citations": {"type": "array", "items": {"$ref": "#/components/schemas/Citation"}},
                    "owner": {"type": ["object", "null"]}, "because": {"type": "object", "description": "Why it applies: the condition tree and the exceptions considered"}}},
                "Question": {"type": "object", "properties": {
                    "fact": {"type": "string"}, "text": {"type": "string"}, "help": {"type": "string"},
                    "type": {"type": "string", "enum": ["bool", "integer", "money", "date", "text", "enum", "set", "group"]},
                    "options": {"type": "array"}, "fields": {"type": "array"},
                    "settles": {"type": "array", "items": {"type": "string"}},
                    "settles_text": {"type": "array", "items": {"type": "string"}}}},
                "Verdict": {"type": "object", "description": "The engine's verdict (passerelle::Verdict)", "properties": {
                    "pack": {"$ref": "#/components/schemas/Pack"},
                    "packs": {"type": "array", "items": {"$ref": "#/components/schemas/Pack"}},
                    "as_of": {"type": "string", "format": "date"}, "lang": {"type": "string", "enum": ["en", "fr"]},
                    "complete": {"type": "boolean"},
                    "obligations": {"type": "array", "items": {"$ref": "#/components/schemas/Obligation"}},
                    "displaced": {"type": "array"}, "undetermined": {"type": "array"}, "myths": {"type": "array"},
                    "next_question": {"oneOf": [{"$ref": "#/components/schemas/Question"}, {"type": "null"}]},
                    "to_confirm": {"type": "array"}, "contacts": {"type": "array"}}}
            }
        }
    });
    crate::cases_api::extend_openapi(&mut doc);
    doc
}
