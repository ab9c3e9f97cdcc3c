public class LoginServlet extends HttpServlet {
    protected void doPost(HttpServletRequest request, HttpServletResponse response) {
        String username = request.getParameter("username");
        String password = request.getParameter("password");
        String token = request.getHeader("X-Auth-Token");
        char[] secret = password.toCharArray();
    }
}
