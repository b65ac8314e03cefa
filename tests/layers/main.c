/* The program each layer check links: nothing runs. What matters is the
 * link itself, which pulls in the whole of one layer's library with only
 * the layers below it, so a call to a higher layer is an undefined
 * reference (Makefile.am, layer_checks). */
int
main(void)
{
	return 0;
}
