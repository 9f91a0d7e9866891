// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the BTF layout reader (lib/kmem.c, included here for
 * its static layout_from_btf). The input is not BTF itself but a recipe
 * of types (integers, pointers, typedefs, qualifiers, type tags, structs
 * of any members, enums, references forward and in loops) that libbpf's
 * writer turns into BTF, which libbpf's reader then parses as the
 * kernel's: so the bytes fuzz our walk of the types, not libbpf's parser.
 * A failure comes with a one-line message; a layout has every member
 * inside its struct, of 1, 2, 4 or 8 bytes, and rdist is a pointer.
 */
#include "../../lib/kmem.c" /* NOLINT: the static reader under test */
#include "fuzz.h"

#define MAX_TYPES 64

/* The names the reader looks for, and others. */
static const char *const struct_names[] = { "rdists", "", "page", "other" };
static const char *const field_names[] = {
	"rdist",     "prop_table_pa", "flags", "pend_page",
	"phys_base", "lpi_enabled",   "x",
};

struct recipe {
	const uint8_t *p;
	size_t n;
	struct btf *btf;
	int ntypes;
};

static unsigned int take(struct recipe *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

/* a type id: void, one made so far, or the next few (forward, loops) */
static int type_ref(struct recipe *r)
{
	return (int)(take(r) % (unsigned int)(r->ntypes + 3));
}

static int add_struct(struct recipe *r)
{
	const char *name = struct_names[take(r) % 4];
	unsigned int size = take(r) | take(r) << 8, nf = take(r) % 8;
	int id = btf__add_struct(r->btf, name, size);

	for (unsigned int i = 0; id > 0 && i < nf; i++) {
		const char *fn = field_names[take(r) % 7];
		int t = type_ref(r);
		unsigned int bits = take(r) | take(r) << 8;
		unsigned int bsz = take(r) % 4 ? 0 : take(r) % 64;

		/* refused fields (a bad offset) are skipped: not ours */
		btf__add_field(r->btf, fn, t, bits, bsz);
	}
	return id;
}

static int add_type(struct recipe *r)
{
	unsigned int op = take(r) % 8, b;
	int id;

	switch (op) {
	case 0:
		b = take(r);
		return btf__add_int(r->btf, "int", 1u << (b % 4),
				    b & 0x10 ? BTF_INT_SIGNED : 0);
	case 1:
		return btf__add_ptr(r->btf, type_ref(r));
	case 2:
		return btf__add_typedef(r->btf, "t", type_ref(r));
	case 3:
		return btf__add_const(r->btf, type_ref(r));
	case 4:
		return btf__add_volatile(r->btf, type_ref(r));
	case 5:
		return btf__add_type_tag(r->btf, "percpu", type_ref(r));
	case 6:
		return add_struct(r);
	default:
		id = btf__add_enum(r->btf, "e", 1u << (take(r) % 4));
		if (id > 0)
			btf__add_enum_value(r->btf, "v", 1);
		return id;
	}
}

static bool field_ok(struct km_field f, size_t size)
{
	return f.size && f.size <= 8 && !(f.size & (f.size - 1)) &&
	       f.off + f.size <= size;
}

static bool layout_ok(const struct km_layout *l)
{
	bool ok = l->rdists_size && l->rdists_size <= KM_MAX_STRUCT &&
		  l->pcpu_size && l->pcpu_size <= KM_MAX_STRUCT;

	ok &= field_ok(l->rdist, l->rdists_size) && l->rdist.size == 8;
	ok &= field_ok(l->prop, l->rdists_size) &&
	      field_ok(l->flags, l->rdists_size);
	ok &= field_ok(l->pend_page, l->pcpu_size) &&
	      field_ok(l->phys_base, l->pcpu_size) &&
	      field_ok(l->lflags, l->pcpu_size);
	return ok;
}

/* Parse @raw as the kernel's BTF and read the layout from it. */
static bool read_layout(const void *raw, uint32_t size)
{
	const struct bpflib f = {
		.btf_new = btf__new,
		.btf_free = btf__free,
		.type_by_id = btf__type_by_id,
		.name_by_offset = btf__name_by_offset,
		.find_by_name_kind = btf__find_by_name_kind,
		.get_error = libbpf_get_error,
	};
	struct km_layout l = { 0 };
	struct gk_err e = { 0 };
	struct btf *b = btf__new(raw, size);
	struct kbtf k = { b, &f };
	bool ok;
	int ret;

	if (libbpf_get_error(b))
		return true; /* libbpf refused what its writer made: not ours */
	ret = layout_from_btf(&k, &l, &e);
	ok = ret < 0 ? gk_fuzz_failed_well(ret, &e) : !ret && layout_ok(&l);
	btf__free(b);
	return ok;
}

bool gk_fuzz_one(const uint8_t *data, size_t size)
{
	struct recipe r = { data, size, btf__new_empty(), 0 };
	const void *raw;
	uint32_t len;
	bool ok = true;

	if (!r.btf)
		return true; /* out of memory */
	while (r.n && r.ntypes < MAX_TYPES)
		if (add_type(&r) > 0)
			r.ntypes++;
	raw = btf__raw_data(r.btf, &len);
	if (raw)
		ok = read_layout(raw, len);
	btf__free(r.btf);
	return ok;
}
