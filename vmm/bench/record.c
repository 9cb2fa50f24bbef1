// SPDX-License-Identifier: GPL-2.0-only
/*
 * The writers every report shares: its head, records through their field
 * tables as JSON (json-glib) objects and CSV lines, table cells, and saving.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/record.h"
#include "bench/suite.h"
#include "util/log.h"

static const struct bench_field bench_host_fields[] = {
	BENCH_FIELD(BENCH_STR, struct bench_host, kvm, "kvm"),
	BENCH_FIELD(BENCH_STR, struct bench_host, timing, "timing"),
	BENCH_FIELD(BENCH_STR, struct bench_host, kernel, "kernel"),
	BENCH_FIELD(BENCH_STR, struct bench_host, cpu_model, "cpu_model"),
	BENCH_FIELD(BENCH_UINT, struct bench_host, cpus, "cpus"),
	BENCH_FIELD(BENCH_STR, struct bench_host, kvm_module, "kvm_module"),
	BENCH_FIELD(BENCH_STR, struct bench_host, apicv, "apicv"),
	BENCH_FIELD(BENCH_STR, struct bench_host, ipiv, "ipiv"),
	BENCH_FIELD(BENCH_STR, struct bench_host, avic, "avic"),
	BENCH_FIELD(BENCH_STR, struct bench_host, clocksource, "clocksource"),
	BENCH_FIELDS_END,
};

void bench_head_init(struct bench_head *h, const char *command, const char *kit_dir)
{
	g_autofree char *version = g_build_filename(kit_dir, "version", NULL);

	*h = (struct bench_head){ .command = g_strdup(command) };
	bench_host_probe(&h->host, NULL);
	/* Where the kit has no version file (a test's), the report says null. */
	if (g_file_get_contents(version, &h->guest_kernel, NULL, NULL))
		g_strstrip(h->guest_kernel);
}

void bench_head_clear(struct bench_head *h)
{
	bench_host_clear(&h->host);
	g_clear_pointer(&h->command, g_free);
	g_clear_pointer(&h->guest_kernel, g_free);
}

GHashTable *bench_stats_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

void bench_stats_set(GHashTable *stats, const char *name, double value)
{
	g_hash_table_insert(stats, g_strdup(name), g_memdup2(&value, sizeof(value)));
}

#define FIELD(rec, f, type) (*(type *)((const char *)(rec) + (f)->offset))

static void bench_json_num(JsonBuilder *b, double v)
{
	if (isnan(v))
		json_builder_add_null_value(b);
	else
		json_builder_add_double_value(b, v);
}

/* qsort() hands over pointers to the keys. */
static int bench_key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A name -> number table as an object with sorted keys (stable diffs). */
static void bench_json_stats(JsonBuilder *b, GHashTable *t)
{
	g_autofree gpointer *keys = g_hash_table_get_keys_as_array(t, NULL);
	guint n = g_hash_table_size(t);

	qsort(keys, n, sizeof(*keys), bench_key_cmp);
	json_builder_begin_object(b);
	for (guint i = 0; i < n; i++) {
		json_builder_set_member_name(b, keys[i]);
		bench_json_num(b, *(double *)g_hash_table_lookup(t, keys[i]));
	}
	json_builder_end_object(b);
}

static void bench_json_field(JsonBuilder *b, const void *rec, const struct bench_field *f)
{
	const char *s;

	json_builder_set_member_name(b, f->name);
	switch (f->type) {
	case BENCH_STR:
	case BENCH_TEXT:
		s = FIELD(rec, f, const char *);
		if (s)
			json_builder_add_string_value(b, s);
		else
			json_builder_add_null_value(b);
		break;
	case BENCH_NUM:
		bench_json_num(b, FIELD(rec, f, double));
		break;
	case BENCH_UINT:
		json_builder_add_double_value(b, FIELD(rec, f, unsigned int));
		break;
	case BENCH_U64:
		json_builder_add_int_value(b, FIELD(rec, f, uint64_t));
		break;
	case BENCH_BOOL:
		json_builder_add_boolean_value(b, FIELD(rec, f, bool));
		break;
	case BENCH_STATS:
		bench_json_stats(b, FIELD(rec, f, GHashTable *));
		break;
	}
}

void bench_json_object(JsonBuilder *b, const char *name, const void *rec,
		       const struct bench_field *fields)
{
	if (name)
		json_builder_set_member_name(b, name);
	json_builder_begin_object(b);
	for (const struct bench_field *f = fields; f->name; f++)
		bench_json_field(b, rec, f);
	json_builder_end_object(b);
}

void bench_json_array(JsonBuilder *b, const char *name, GPtrArray *recs,
		      const struct bench_field *fields)
{
	json_builder_set_member_name(b, name);
	json_builder_begin_array(b);
	for (guint i = 0; i < recs->len; i++)
		bench_json_object(b, NULL, g_ptr_array_index(recs, i), fields);
	json_builder_end_array(b);
}

JsonBuilder *bench_json_begin(const char *key, const char *value, const struct bench_head *h)
{
	/* The head's members, in the order the documents have always had; then the new. */
	static const struct bench_field head[] = {
		BENCH_FIELD(BENCH_TEXT, struct bench_head, command, "command"),
		BENCH_FIELD(BENCH_BOOL, struct bench_head, partial, "partial"),
		BENCH_FIELD(BENCH_STR, struct bench_head, guest_kernel, "guest_kernel"),
		BENCH_FIELDS_END,
	};
	JsonBuilder *b = json_builder_new();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, key);
	json_builder_add_string_value(b, value);
	for (const struct bench_field *f = head; f->name; f++)
		bench_json_field(b, h, f);
	bench_json_object(b, "host", &h->host, bench_host_fields);
	return b;
}

char *bench_json_end(JsonBuilder *b)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_end_object(b);
	root = json_builder_get_root(b);
	g_object_unref(b);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	return json_generator_to_data(gen, NULL);
}

void bench_csv_num(GString *s, double v)
{
	if (!isnan(v))
		g_string_append_printf(s, "%.6g", v);
}

static void bench_csv_field(GString *s, const void *rec, const struct bench_field *f)
{
	const char *str =
		f->type == BENCH_STR || f->type == BENCH_TEXT ? FIELD(rec, f, const char *) : NULL;
	g_autofree char *text = NULL;

	switch (f->type) {
	case BENCH_STR:
		g_string_append(s, str ? str : "");
		break;
	case BENCH_TEXT:
		/* Quoted, and nothing in it can end the quote or the line. */
		text = g_strdup(str ? str : "");
		g_strdelimit(text, "\"\n", '\'');
		g_string_append_printf(s, "\"%s\"", text);
		break;
	case BENCH_NUM:
		bench_csv_num(s, FIELD(rec, f, double));
		break;
	case BENCH_UINT:
		g_string_append_printf(s, "%u", FIELD(rec, f, unsigned int));
		break;
	case BENCH_U64:
		g_string_append_printf(s, "%" G_GUINT64_FORMAT, (guint64)FIELD(rec, f, uint64_t));
		break;
	case BENCH_BOOL:
		g_string_append(s, FIELD(rec, f, bool) ? "true" : "false");
		break;
	case BENCH_STATS:
		break;
	}
}

void bench_csv_head(GString *s, const struct bench_field *fields)
{
	const char *sep = "";

	for (const struct bench_field *f = fields; f->name; f++) {
		if (f->type == BENCH_STATS)
			continue;
		g_string_append_printf(s, "%s%s", sep, f->name);
		sep = ",";
	}
}

void bench_csv_line(GString *s, const void *rec, const struct bench_field *fields)
{
	const char *sep = "";

	for (const struct bench_field *f = fields; f->name; f++) {
		if (f->type == BENCH_STATS)
			continue;
		g_string_append(s, sep);
		bench_csv_field(s, rec, f);
		sep = ",";
	}
}

const char *bench_fmt_num(char *buf, size_t len, double v, int prec)
{
	if (isnan(v))
		g_strlcpy(buf, "-", len);
	else
		g_snprintf(buf, len, "%.*f", prec, v);
	return buf;
}

void bench_print_guest(FILE *f, const struct bench_head *h)
{
	fprintf(f, "guest kernel: %s\n", h->guest_kernel ? h->guest_kernel : "unknown");
}

void bench_print_partial(FILE *f, const struct bench_head *h)
{
	if (h->partial)
		fprintf(f, "(partial report: the run was cut short)\n");
}

/* g_file_set_contents writes a temporary file and renames it over PATH. */
int bench_save(const char *path, const char *text)
{
	g_autoptr(GError) err = NULL;

	if (!g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &err)) {
		pr_err("bench: cannot write %s: %s", path, err->message);
		return bench_errno(err);
	}
	return 0;
}

int bench_save_all(const char *const *path, char **text, size_t n)
{
	int ret = 0;

	for (size_t i = 0; i < n; i++) {
		if (path[i] && !ret)
			ret = bench_save(path[i], text[i]);
		g_free(text[i]);
	}
	return ret;
}
