package io.github.eproxy.cli;
public class Main { public static void main(String[] a) {} }
