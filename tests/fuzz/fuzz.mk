# GNU make file for the libFuzzer builds of the fuzz targets, called by
# the top Makefile (`make fuzz-build`, and tests/fuzz/smoke.sh from
# `make check`) with:
#   SRC=abs source dir  OUT=output dir  FUZZ_CC=clang
#   FUZZ_CPPFLAGS=include flags and -D's  FUZZ_LIBS=libraries
# The engine's sources (base, mail, net, store) and the composer's pure
# parts that have targets (textbuf, wide, args, theme) are compiled once
# with coverage, ASan and UBSan into OUT/obj, then each target links them.
# Header dependencies are tracked (-MMD), so a second run builds nothing.

TARGETS = reply address profile msg encode event session mailto textbuf theme parse json

FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-DFUZZ_LIBFUZZER -Wall -Wextra -Wno-unused-parameter
LINK_FLAGS = -fsanitize=fuzzer,address,undefined -pthread

LIB_SRCS = $(wildcard $(SRC)/src/base/*.c $(SRC)/src/mail/*.c \
	$(SRC)/src/net/*.c $(SRC)/src/store/*.c) \
	$(addprefix $(SRC)/src/ui/,textbuf.c wide.c args.c theme.c)
LIB_OBJS = $(patsubst $(SRC)/src/%.c,$(OUT)/obj/src/%.o,$(LIB_SRCS))
BINS = $(addprefix $(OUT)/fuzz_,$(TARGETS))

all: $(BINS)

$(OUT)/obj/src/%.o: $(SRC)/src/%.c
	@mkdir -p $(@D)
	@echo "  FUZZCC   $*.c"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -MMD -MP -c -o $@ $<

$(OUT)/obj/fuzz_%.o: $(SRC)/tests/fuzz/fuzz_%.c
	@mkdir -p $(@D)
	@echo "  FUZZCC   fuzz_$*.c"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -I$(SRC)/tests/fuzz -MMD -MP -c -o $@ $<

$(OUT)/obj/fuzzlib.o: $(SRC)/tests/fuzz/fuzzlib.c
	@mkdir -p $(@D)
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CPPFLAGS) -I$(SRC)/tests/fuzz -MMD -MP -c -o $@ $<

$(OUT)/fuzz_%: $(OUT)/obj/fuzz_%.o $(OUT)/obj/fuzzlib.o $(LIB_OBJS)
	@echo "  FUZZLD   fuzz_$*"
	@$(FUZZ_CC) $(LINK_FLAGS) -o $@ $^ $(FUZZ_LIBS)

# Keep the objects: they are what makes the second build free.
.SECONDARY:
.PHONY: all

-include $(LIB_OBJS:.o=.d) $(OUT)/obj/fuzzlib.d $(TARGETS:%=$(OUT)/obj/fuzz_%.d)
