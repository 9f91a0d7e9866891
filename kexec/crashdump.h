/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ELF core header (elfcorehdr) that tells a crash kernel what the
 * crashed one looked like: its CPUs' notes, VMCOREINFO, its kernel text
 * and its RAM, as /proc/vmcore then serves them to makedumpfile.
 */
#ifndef GK_KEXEC_CRASHDUMP_H
#define GK_KEXEC_CRASHDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gkerr.h"
#include "range.h"
#include "sysroot.h"

#define KX_CRASH_MAX_RAM 32768	   /* System RAM ranges (kexec-tools' bound) */
#define KX_CRASH_MAX_CPUS 8192	   /* possible CPUs */
#define KX_NOTE_BYTES_DEFAULT 1024 /* crash_notes without crash_notes_size */
#define KX_ELFCOREHDR_ALIGN 1024   /* the header's length is a multiple */

struct kx_crash_info {
	/* where the crash kernel lives (from /proc/iomem "Crash kernel") */
	struct gk_range *crash;
	size_t ncrash;
	/* System RAM (from /proc/iomem) */
	struct gk_range *ram;
	size_t nram;
};

/**
 * struct kx_crash_layout - the crashed kernel's address space, as the
 * header describes it
 * @va_bits: VA_BITS (VMCOREINFO NUMBER(VA_BITS), else from kallsyms _stext)
 * @page_offset: start of the linear map: -(1 << VA_BITS) for 5.4+ (the
 *	kernel image in the upper half), -(1 << (VA_BITS - 1)) before
 * @phys_offset: PHYS_OFFSET (VMCOREINFO, else the first System RAM start)
 * @text_start: physical start of the kernel PT_LOAD ("Kernel code" start)
 * @text_size: up to the end of "Kernel data"
 * @text_vaddr: virtual address of @text_start
 * @text_vaddr_from: "VMCOREINFO kimage_voffset", "kallsyms _stext" or
 *	"kallsyms _text"
 * @kernel_offset: VMCOREINFO KERNELOFFSET (KASLR offset), informative
 * @has_kernel_offset: whether VMCOREINFO had it
 */
struct kx_crash_layout {
	unsigned int va_bits;
	uint64_t page_offset;
	uint64_t phys_offset;
	uint64_t text_start;
	uint64_t text_size;
	uint64_t text_vaddr;
	const char *text_vaddr_from;
	uint64_t kernel_offset;
	bool has_kernel_offset;
};

/**
 * kx_crash_layout - where the running (or captured) kernel's text and
 * linear map are
 * @sr: the system root: sys/kernel/vmcoreinfo, the VMCOREINFO note in
 *	physical memory (lib/physmem: /proc/kcore, a snapshot's dev/mem.d),
 *	proc/iomem, proc/kallsyms (only as a fallback)
 * @ci: RAM (for the PHYS_OFFSET fallback), or NULL for /proc/iomem's
 * @out: the layout
 * @e: failure detail, or NULL
 *
 * The kernel text's virtual address, in order of preference:
 *  1. VMCOREINFO NUMBER(kimage_voffset) (4.12+, every 6.x):
 *     vaddr = "Kernel code" start + kimage_voffset;
 *  2. /proc/kallsyms: whichever of _stext and _text "Kernel code" starts
 *     at (5.11+ start it at _stext, older kernels at _text), told apart by
 *     __init_begin - SYMBOL == the size of "Kernel code"; without
 *     __init_begin, _text (a kernel without kimage_voffset is older than
 *     4.12, when "Kernel code" still began at _text).
 * KERNELOFFSET is never used for an address: it is relative to
 * KIMAGE_VADDR, which moved between releases. If nothing gives the
 * address this fails; no header is better than a bogus kernel PT_LOAD.
 *
 * returns: 0, or a negative GK_ERR_* code
 */
int kx_crash_layout(const struct sysroot *sr, const struct kx_crash_info *ci,
		    struct kx_crash_layout *out, struct gk_err *e);

/**
 * kx_elfcorehdr - build the ELF core header of the running (or captured)
 * kernel
 * @sr: the system root: sys/devices/system/cpu/possible,
 *	cpuN/crash_notes(+_size), sys/kernel/vmcoreinfo and its note in
 *	physical memory, proc/iomem, proc/kallsyms (see kx_crash_layout())
 * @ci: RAM and crash ranges, or NULL to take both from /proc/iomem
 *	("System RAM", "Crash kernel")
 * @out: the header, malloc'd
 * @len: its size, a multiple of KX_ELFCOREHDR_ALIGN (zero padding)
 * @e: failure detail, or NULL
 *
 * ELFCLASS64, little-endian, ET_CORE, EM_AARCH64, program headers only, in
 * this order: a PT_NOTE per possible CPU that has crash_notes (size from
 * crash_notes_size, else KX_NOTE_BYTES_DEFAULT), the VMCOREINFO PT_NOTE,
 * the kernel-text PT_LOAD (kx_crash_layout()), and a PT_LOAD per System
 * RAM range minus the crash ranges, sorted, with vaddr = PAGE_OFFSET +
 * (paddr - PHYS_OFFSET). p_offset is the physical address, as the kernel's
 * /proc/vmcore expects.
 *
 * returns: 0, or a negative GK_ERR_* code
 */
int kx_elfcorehdr(const struct sysroot *sr, const struct kx_crash_info *ci,
		  uint8_t **out, size_t *len, struct gk_err *e);

#endif
